/**
 * Benchmark: `embedBatch` of 1,000 short texts through the Ratatoskr gateway
 * (`hf:` routing → this provider) against `@huggingface/inference` called
 * directly with the same chunking (32 texts per request, 4 in flight), both
 * against one loopback mock of the HF Inference feature-extraction route.
 *
 * Run: `npx -y pnpm@12.4.2 --filter @ratatoskr/provider-gateway-tests bench:huggingface`
 * (`node --conditions=@ratatoskr/source bench/huggingface.ts`).
 */
import { featureExtraction } from "@huggingface/inference";
import { compare, peakRssMiB, printComparison } from "@ratatoskr/bench";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createHuggingFace } from "@ratatoskr/provider-huggingface";
import { startLoopbackServer } from "@ratatoskr/testing";

const MODEL = "sentence-transformers/all-MiniLM-L6-v2";
const TEXTS = 1_000;
const DIMENSIONS = 384;
const BATCH_SIZE = 32;
const CONCURRENCY = 4;
const TOKEN = "hf_benchtoken000000000000";

// One pre-serialised pooled answer per batch length: the server's cost is
// the same for both variants and small next to theirs.
const answers = new Map<number, string>();
function answer(count: number): string {
  let text = answers.get(count);
  if (text === undefined) {
    const row = Array.from({ length: DIMENSIONS }, (_, index) => Math.sin(index + 1) / 10);
    text = JSON.stringify(Array.from({ length: count }, () => row));
    answers.set(count, text);
  }
  return text;
}

const requests = { direct: 0, gateway: 0 };
const server = await startLoopbackServer(
  (request, response, body) => {
    const { inputs } = JSON.parse(body) as { inputs: string[] };
    if (request.url?.startsWith("/direct/")) requests.direct++;
    else requests.gateway++;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(answer(inputs.length));
  },
  { record: false },
);

const texts = Array.from(
  { length: TEXTS },
  (_, index) => `memory note ${index}: the user prefers tea`,
);
const route = `/hf-inference/models/${MODEL}/pipeline/feature-extraction`;

/** The reference: the SDK directly, chunks of 32 with 4 in flight, reassembled in order. */
async function direct(): Promise<number[][]> {
  const chunks: string[][] = [];
  for (let start = 0; start < texts.length; start += BATCH_SIZE)
    chunks.push(texts.slice(start, start + BATCH_SIZE));
  const results: number[][][] = new Array(chunks.length);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++;
      results[index] = (await featureExtraction(
        { accessToken: TOKEN, endpointUrl: `${server.url}/direct${route}`, inputs: chunks[index]! },
        { retry_on_error: false },
      )) as number[][];
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results.flat();
}

const gateway = await Ratatoskr.builder()
  .use(
    createHuggingFace({
      apiKey: TOKEN,
      baseURL: `${server.url}/gateway/hf-inference`,
      batchSize: BATCH_SIZE,
      maxConcurrency: CONCURRENCY,
    }),
  )
  .build();

async function throughGateway(): Promise<number> {
  const embeddings = await gateway.embedBatch(texts, `hf:${MODEL}`);
  return embeddings.length;
}

// Sanity: same number of vectors, and the request count of one call each.
requests.direct = 0;
requests.gateway = 0;
const [directVectors, gatewayCount] = await Promise.all([direct(), throughGateway()]);
if (directVectors.length !== TEXTS || gatewayCount !== TEXTS) throw new Error("wrong vector count");
const perCall = { ...requests };

const comparison = await compare(
  { name: "@huggingface/inference direct", run: direct },
  { name: "gateway embedBatch (hf:)", run: throughGateway },
  { rounds: 20, iterations: 5, warmup: 5 },
);
printComparison(
  `embedBatch: ${TEXTS} texts × ${DIMENSIONS} dims, ${BATCH_SIZE}/request, ${CONCURRENCY} in flight (loopback)`,
  comparison,
  "≥ 0.95",
);
console.log(
  `HTTP requests per ${TEXTS}-text embedBatch: direct ${perCall.direct}, gateway ${perCall.gateway}`,
);
console.log(`peak RSS: ${peakRssMiB().toFixed(0)} MiB`);

await gateway.dispose?.();
await server.close();
