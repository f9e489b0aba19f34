/**
 * The cross-checks of the Kubernetes manifests: each returns the problems
 * found (empty when the manifests hang together), so a test can show both
 * that the shipped manifests pass and that a broken copy is caught.
 */
import type { K8sObject } from "./artefacts.ts";

/** What the checks compare the manifests with (from the package and the Dockerfile). */
export interface ManifestExpectations {
  /** ratd's port (`DEFAULT_PORT`, the Dockerfile's `EXPOSE`). */
  readonly port: number;
  /** The Dockerfile's numeric `USER`. */
  readonly uid: number;
  /** The image name the Deployment and kustomization use. */
  readonly image: string;
}

type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  startupProbe?: { grpc?: { port: number; service?: string } };
  readinessProbe?: { grpc?: { port: number; service?: string } };
  livenessProbe?: { grpc?: { port: number; service?: string } };
};

function single(objects: readonly K8sObject[], kind: string, problems: string[]) {
  const found = objects.filter((object) => object.kind === kind);
  if (found.length !== 1) problems.push(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>) {
  return (
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([key, value]) => labels[key] === value)
  );
}

/** The problems of `objects` (the kustomization's resources), checked against `expect`. */
export function checkManifests(
  objects: readonly K8sObject[],
  expect: ManifestExpectations,
): string[] {
  const problems: string[] = [];
  const deployment = single(objects, "Deployment", problems);
  const service = single(objects, "Service", problems);
  const hpa = single(objects, "HorizontalPodAutoscaler", problems);
  if (deployment === undefined || service === undefined || hpa === undefined) return problems;

  const template = deployment.spec?.template ?? {};
  const podLabels: Record<string, string> = template.metadata?.labels ?? {};
  const pod = template.spec ?? {};
  const containers: Container[] = pod.containers ?? [];
  const initContainers: Container[] = pod.initContainers ?? [];
  const ratd = containers.find((container) => container.name === "ratd");
  if (ratd === undefined) return [...problems, "the Deployment has no container named ratd"];

  // Labels and selectors.
  if (deployment.apiVersion !== "apps/v1") problems.push("the Deployment is not apps/v1");
  if (!matches(deployment.spec?.selector?.matchLabels, podLabels)) {
    problems.push("the Deployment's selector does not match its pod labels");
  }
  if (!matches(service.spec?.selector, podLabels)) {
    problems.push("the Service's selector does not match the pod labels");
  }
  for (const pdb of objects.filter((object) => object.kind === "PodDisruptionBudget")) {
    if (!matches(pdb.spec?.selector?.matchLabels, podLabels)) {
      problems.push(`PodDisruptionBudget ${pdb.metadata.name} does not select the pods`);
    }
  }

  // Ports: container port = probe ports = Service targetPort = ratd's port.
  const port = ratd.ports?.find((candidate) => candidate.containerPort === expect.port);
  if (port === undefined) problems.push(`the ratd container does not expose ${expect.port}`);
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"] as const) {
    const grpc = ratd[probe]?.grpc;
    if (grpc === undefined) problems.push(`${probe} is not a gRPC probe`);
    else if (grpc.port !== expect.port)
      problems.push(`${probe} port ${grpc.port} ≠ ${expect.port}`);
    else if ((grpc.service ?? "") !== "")
      problems.push(`${probe} asks for a service other than ""`);
  }
  const servicePorts: { port: number; targetPort: number | string }[] = service.spec?.ports ?? [];
  if (servicePorts.length === 0) problems.push("the Service has no port");
  for (const servicePort of servicePorts) {
    const target = servicePort.targetPort;
    const resolves =
      target === expect.port || (typeof target === "string" && target === port?.name);
    if (!resolves) problems.push(`the Service's targetPort ${target} is not the container's port`);
  }

  // The HPA scales this Deployment.
  if (hpa.apiVersion !== "autoscaling/v2") problems.push("the HPA is not autoscaling/v2");
  const target = hpa.spec?.scaleTargetRef ?? {};
  if (
    target.kind !== "Deployment" ||
    target.name !== deployment.metadata.name ||
    target.apiVersion !== "apps/v1"
  ) {
    problems.push("the HPA does not target the Deployment");
  }
  if (!(hpa.spec?.minReplicas >= 1 && hpa.spec?.maxReplicas >= hpa.spec?.minReplicas)) {
    problems.push("the HPA's replica bounds are inconsistent");
  }
  if (containers.some((container) => container.resources?.requests?.cpu === undefined)) {
    problems.push("a CPU-utilization HPA needs CPU requests on every container");
  }

  // Volumes: every ConfigMap and Secret referenced exists; every mount has a volume.
  const volumes: {
    name: string;
    configMap?: { name: string; items?: { key: string }[] };
    secret?: { secretName: string; defaultMode?: number; items?: { key: string }[] };
    emptyDir?: { medium?: string };
  }[] = pod.volumes ?? [];
  const byName = (kind: string, name: string) =>
    objects.find((object) => object.kind === kind && object.metadata.name === name);
  for (const volume of volumes) {
    if (volume.configMap !== undefined) {
      const map = byName("ConfigMap", volume.configMap.name);
      if (map === undefined) problems.push(`ConfigMap ${volume.configMap.name} does not exist`);
      for (const item of volume.configMap.items ?? []) {
        if (map?.data?.[item.key] === undefined) problems.push(`ConfigMap key ${item.key} missing`);
      }
    }
    if (volume.secret !== undefined) {
      const secret = byName("Secret", volume.secret.secretName);
      if (secret === undefined) problems.push(`Secret ${volume.secret.secretName} does not exist`);
      for (const item of volume.secret.items ?? []) {
        if (
          secret?.stringData?.[item.key] === undefined &&
          secret?.data?.[item.key] === undefined
        ) {
          problems.push(`Secret key ${item.key} missing`);
        }
      }
    }
  }
  for (const container of [...containers, ...initContainers]) {
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.some((volume) => volume.name === mount.name)) {
        problems.push(`${container.name} mounts ${mount.name}, which is not a volume`);
      }
    }
    if (container.image !== expect.image) {
      problems.push(`${container.name} runs ${container.image}, not ${expect.image}`);
    }
  }

  // Non-root, read-only root filesystem, no privilege escalation, no capabilities.
  const podSecurity = pod.securityContext ?? {};
  if (podSecurity.runAsNonRoot !== true) problems.push("the pod does not set runAsNonRoot");
  if (podSecurity.runAsUser !== expect.uid) {
    problems.push(`the pod's runAsUser ${podSecurity.runAsUser} ≠ the image's USER ${expect.uid}`);
  }
  if (podSecurity.fsGroup !== undefined) {
    problems.push("fsGroup makes the secrets file group-readable (0440), which ratd refuses");
  }
  for (const container of [...containers, ...initContainers]) {
    const security = container.securityContext ?? {};
    if (security.runAsUser !== undefined && security.runAsUser !== expect.uid) {
      problems.push(`${container.name} runs as ${security.runAsUser}`);
    }
    if (security.runAsNonRoot === false) problems.push(`${container.name} may run as root`);
    if (security.readOnlyRootFilesystem !== true) {
      problems.push(`${container.name}'s root filesystem is writable`);
    }
    if (security.allowPrivilegeEscalation !== false) {
      problems.push(`${container.name} allows privilege escalation`);
    }
    if (!(security.capabilities?.drop ?? []).includes("ALL")) {
      problems.push(`${container.name} keeps its capabilities`);
    }
    if (container.resources?.limits?.memory === undefined) {
      problems.push(`${container.name} has no memory limit`);
    }
  }
  if (ratd.resources?.requests?.memory === undefined) problems.push("ratd has no memory request");

  // The secrets file: the Secret is copied by the init container into a volume that
  // ratd reads from ~/.ratatoskr/secrets.toml, as its own file with mode 0400.
  const home = ratd.env?.find((variable) => variable.name === "HOME")?.value;
  const configPath = ratd.args?.[(ratd.args?.indexOf("--config") ?? -2) + 1];
  if (configPath === undefined) problems.push("ratd is not given --config");
  const configMount = ratd.volumeMounts?.find((mount) =>
    volumes.some((volume) => volume.name === mount.name && volume.configMap !== undefined),
  );
  if (configPath !== undefined && configMount?.mountPath !== dirname(configPath)) {
    problems.push(`--config ${configPath} is not in the ConfigMap's mount`);
  }
  const secretsMount = ratd.volumeMounts?.find((mount) => mount.mountPath === `${home}/.ratatoskr`);
  if (home === undefined || secretsMount === undefined) {
    problems.push("ratd does not see a secrets volume at $HOME/.ratatoskr");
  } else {
    if (secretsMount.readOnly !== true) problems.push("ratd's secrets mount is writable");
    const volume = volumes.find((candidate) => candidate.name === secretsMount.name);
    if (volume?.emptyDir?.medium !== "Memory") problems.push("the secrets volume is not in memory");
    const copier = initContainers.find((container) =>
      container.volumeMounts?.some(
        (mount) => mount.name === secretsMount.name && mount.mountPath === secretsMount.mountPath,
      ),
    );
    const command = copier?.command ?? [];
    const mode = command[command.indexOf("-m") + 1];
    if (copier === undefined || command[0] !== "install" || mode !== "0400") {
      problems.push("no init container installs secrets.toml with mode 0400");
    } else if (command.at(-1) !== `${home}/.ratatoskr/secrets.toml`) {
      problems.push(`the init container writes ${command.at(-1)}, not ~/.ratatoskr/secrets.toml`);
    }
    const sourceMount = copier?.volumeMounts?.find((mount) =>
      volumes.some((candidate) => candidate.name === mount.name && candidate.secret !== undefined),
    );
    const source = volumes.find((candidate) => candidate.name === sourceMount?.name)?.secret;
    if (source === undefined || !command.includes(`${sourceMount?.mountPath}/secrets.toml`)) {
      problems.push("the init container does not copy from the Secret's volume");
    } else if (((source.defaultMode ?? 0o644) & 0o004) === 0) {
      problems.push("the Secret's files (root's) are unreadable to the init container's user");
    }
    if (
      containers.some((container) =>
        container.volumeMounts?.some((m) => m.name === sourceMount?.name),
      )
    ) {
      problems.push("a long-running container mounts the world-readable Secret volume");
    }
  }
  return problems;
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}
