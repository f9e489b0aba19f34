/**
 * Cosine similarity between embedding vectors, for the embeddings heatmap.
 */

/** Cosine similarity of two vectors of equal length (0 when either is all zeros). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length)
    throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = b[index]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0) return 0;
  return dot / Math.sqrt(normA * normB);
}

/** The symmetric matrix of pairwise cosine similarities, rounded to 4 decimals. */
export function similarityMatrix(vectors: readonly (readonly number[])[]): number[][] {
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  const matrix = vectors.map(() => new Array<number>(vectors.length).fill(0));
  for (let i = 0; i < vectors.length; i++) {
    matrix[i]![i] = vectors[i]!.some((value) => value !== 0) ? 1 : 0;
    for (let j = i + 1; j < vectors.length; j++) {
      const value = round(cosineSimilarity(vectors[i]!, vectors[j]!));
      matrix[i]![j] = value;
      matrix[j]![i] = value;
    }
  }
  return matrix;
}
