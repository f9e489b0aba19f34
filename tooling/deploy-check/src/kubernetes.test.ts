/**
 * deploy/kubernetes: parsed as Kubernetes parses it, cross-referenced
 * (labels and selectors, ports and probes, ConfigMap and Secret names, the
 * HPA's target, non-root and the secrets file's mode), and the ConfigMap's
 * config.toml with the Secret's secrets.toml loaded by ratd's own loader.
 * No Kubernetes here: structure only.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertSecretsMode, DEFAULT_PORT, loadRatdConfig } from "@ratatoskr/server";
import { describe, expect, it } from "vitest";
import {
  DEPLOY_DIR,
  type K8sObject,
  loadManifests,
  parseDockerfile,
  parseYaml,
} from "./artefacts.ts";
import { checkManifests, type ManifestExpectations } from "./check-manifests.ts";

async function expectations(): Promise<ManifestExpectations> {
  const dockerfile = parseDockerfile(await readFile(join(DEPLOY_DIR, "Dockerfile"), "utf8"));
  const user = dockerfile.stages.at(-1)?.instructions.find((i) => i.keyword === "USER");
  return {
    port: DEFAULT_PORT,
    uid: Number(user?.args.split(":")[0]),
    image: "ratatoskr/ratd:0.0.0",
  };
}

const find = (objects: readonly K8sObject[], kind: string) =>
  objects.find((object) => object.kind === kind)!;

describe("deploy/kubernetes", () => {
  it("lists only files that exist and parse, each object named and labelled", async () => {
    const { kustomization, objects } = await loadManifests();
    expect(kustomization.resources.length).toBeGreaterThan(0);
    expect(objects.map((object) => object.kind).sort()).toEqual([
      "ConfigMap",
      "Deployment",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
      "Secret",
      "Service",
    ]);
    for (const object of objects) {
      expect(object.metadata.name, object.file).toMatch(/^[a-z0-9-]+$/);
      expect(object.metadata.labels?.["app.kubernetes.io/name"], object.file).toBe("ratd");
    }
    const images = kustomization.images as { name: string; newTag: string }[];
    const deployment = find(objects, "Deployment");
    const [name, tag] = deployment.spec.template.spec.containers[0].image.split(":");
    expect(images).toContainEqual({ name, newTag: tag });
  });

  it("hang together: selectors, ports and probes, volumes, HPA, non-root, the secrets file", async () => {
    const { objects } = await loadManifests();
    expect(checkManifests(objects, await expectations())).toEqual([]);
  });

  it("catch a broken copy (the checks can fail)", async () => {
    const { objects } = await loadManifests();
    const expected = await expectations();
    const broken = (edit: (copy: K8sObject[]) => void) => {
      const copy = structuredClone(objects);
      edit(copy);
      return checkManifests(copy, expected);
    };
    const ratd = (copy: K8sObject[]) => find(copy, "Deployment").spec.template.spec.containers[0];
    expect(broken((copy) => (ratd(copy).readinessProbe.grpc.port = 9000))).toContain(
      "readinessProbe port 9000 ≠ 9741",
    );
    expect(broken((copy) => (find(copy, "Service").spec.selector = { app: "other" }))).toContain(
      "the Service's selector does not match the pod labels",
    );
    expect(
      broken((copy) => (find(copy, "HorizontalPodAutoscaler").spec.scaleTargetRef.name = "x")),
    ).toContain("the HPA does not target the Deployment");
    expect(broken((copy) => (find(copy, "ConfigMap").metadata.name = "renamed"))).toContain(
      "ConfigMap ratd-config does not exist",
    );
    expect(
      broken(
        (copy) => (find(copy, "Deployment").spec.template.spec.securityContext.fsGroup = 10001),
      ),
    ).toContain("fsGroup makes the secrets file group-readable (0440), which ratd refuses");
    expect(
      broken((copy) => {
        const init = find(copy, "Deployment").spec.template.spec.initContainers[0];
        init.command[init.command.indexOf("-m") + 1] = "0440";
      }),
    ).toContain("no init container installs secrets.toml with mode 0400");
    expect(broken((copy) => (ratd(copy).securityContext.readOnlyRootFilesystem = false))).toContain(
      "ratd's root filesystem is writable",
    );
  });

  it("the Secret's volume mode is octal 0444 as Kubernetes reads it (not decimal 444)", async () => {
    const deployment = find((await loadManifests()).objects, "Deployment");
    const source = deployment.spec.template.spec.volumes.find(
      (volume: { secret?: unknown }) => volume.secret !== undefined,
    );
    expect(source.secret.defaultMode).toBe(0o444);
    expect(parseYaml("mode: 0444")).toEqual([{ mode: 0o444 }]);
  });

  it("ratd loads the ConfigMap's config.toml with the Secret's secrets.toml, found where the pod puts it", async () => {
    const { objects } = await loadManifests();
    const config = find(objects, "ConfigMap").data?.["config.toml"];
    const secrets = find(objects, "Secret").stringData?.["secrets.toml"];
    const directory = await mkdtemp(join(tmpdir(), "deploy-check-"));
    try {
      // The pod's layout: /etc/ratatoskr/config.toml, $HOME/.ratatoskr/secrets.toml (0400).
      const etc = join(directory, "etc/ratatoskr");
      const home = join(directory, "home");
      await mkdir(etc, { recursive: true });
      await mkdir(join(home, ".ratatoskr"), { recursive: true });
      await writeFile(join(etc, "config.toml"), config!);
      const secretsFile = join(home, ".ratatoskr/secrets.toml");
      await writeFile(secretsFile, secrets!, { mode: 0o400 });
      await chmod(secretsFile, 0o400);
      const loaded = await loadRatdConfig({
        path: join(etc, "config.toml"),
        home,
        etcDirectory: etc,
        env: {},
      });
      expect(loaded.secretsFile).toBe(secretsFile);
      expect(loaded.server).toMatchObject({ host: "0.0.0.0", port: DEFAULT_PORT });
      // Beyond loopback: the token from the Secret is what lets ratd start.
      expect(loaded.server.token?.reveal()).toBe("replace-with-a-long-random-token");
      expect(loaded.providers.map((provider) => provider.name).sort()).toEqual([
        "ollama",
        "openai",
      ]);

      // What fsGroup would do to the file: ratd refuses it.
      await chmod(secretsFile, 0o440);
      await expect(assertSecretsMode(secretsFile, "linux")).rejects.toMatchObject({
        code: "configuration",
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
