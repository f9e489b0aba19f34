/**
 * Reading the deployment artefacts as data: the Kubernetes manifests that
 * `deploy/kubernetes/kustomization.yaml` lists (YAML 1.1, as Kubernetes'
 * own parser reads it: `0444` is octal there), and `deploy/Dockerfile` as
 * its stages and instructions.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAll, YAML11_SCHEMA } from "js-yaml";

/** The repository root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
/** `deploy/`. */
export const DEPLOY_DIR = join(REPO_ROOT, "deploy");
/** `deploy/kubernetes/`. */
export const KUBERNETES_DIR = join(DEPLOY_DIR, "kubernetes");

/** A parsed Kubernetes object (only what the checks read is typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  /** The file it came from (relative to deploy/kubernetes). */
  file: string;
}

/** Parse YAML the way Kubernetes does (YAML 1.1 scalars). */
export function parseYaml(text: string): unknown[] {
  return loadAll(text, { schema: YAML11_SCHEMA });
}

/** The kustomization and every object of the resources it lists. */
export async function loadManifests(): Promise<{
  kustomization: Record<string, unknown> & { resources: string[] };
  objects: K8sObject[];
}> {
  const [kustomization] = parseYaml(
    await readFile(join(KUBERNETES_DIR, "kustomization.yaml"), "utf8"),
  ) as [Record<string, unknown> & { resources: string[] }];
  const objects: K8sObject[] = [];
  for (const file of kustomization.resources) {
    for (const document of parseYaml(await readFile(join(KUBERNETES_DIR, file), "utf8"))) {
      if (document !== null && document !== undefined) {
        objects.push({ ...(document as Omit<K8sObject, "file">), file });
      }
    }
  }
  return { kustomization, objects };
}

/** One Dockerfile instruction: its keyword (upper case) and its arguments' text. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** One build stage: its `FROM` image, its name, and its instructions. */
export interface DockerStage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: DockerInstruction[];
}

/** A parsed Dockerfile: global `ARG`s (before the first `FROM`) and the stages. */
export interface ParsedDockerfile {
  readonly args: ReadonlyMap<string, string>;
  readonly stages: DockerStage[];
}

/**
 * Parse a Dockerfile: comments and blank lines dropped, `\` continuations
 * joined, instructions grouped by stage. Enough to check structure, not a
 * full implementation of BuildKit's grammar.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (pending === "" && (line.trim() === "" || line.trimStart().startsWith("#"))) continue;
    if (pending !== "" && line.trimStart().startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push((pending + line).trim());
    pending = "";
  }
  if (pending !== "") logical.push(pending.trim());
  const args = new Map<string, string>();
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [keyword = "", ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    const argText = rest.join(" ");
    if (upper === "FROM") {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(argText);
      stages.push({ from: match?.[1] ?? argText, name: match?.[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) {
      if (upper === "ARG") {
        const [name = "", value = ""] = argText.split("=", 2);
        args.set(name, value);
      }
      continue;
    }
    stage.instructions.push({ keyword: upper, args: argText });
  }
  return { args, stages };
}

/** A stage's `FROM` image with global `ARG`s substituted (`${NAME}` and `$NAME`). */
export function resolveImage(dockerfile: ParsedDockerfile, stage: DockerStage): string {
  return stage.from.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_, braced: string | undefined, bare: string | undefined) =>
      dockerfile.args.get((braced ?? bare)!) ?? "",
  );
}
