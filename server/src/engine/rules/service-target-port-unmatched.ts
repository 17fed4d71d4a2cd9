// Rule: service-target-port-unmatched
// A numeric targetPort that no container of the selected pods declares. kube-proxy still forwards
// to that number, so the port may work if the process listens anyway; but when every selected
// template declares its ports and none is this one, the port is almost always a mistake.
// containerPort is informational in the API, so a template that declares no ports is never judged,
// and neither is a template that some Service reaches on a declared port: it then declares only a
// subset of what it listens on (jaeger, collectors, echo servers and SPIRE do), so the rest is unknowable.
// Each port of a multi-port Service is judged on its own evidence, though: a port whose name is a
// container port's name with another number (`http` -> 8000 while the container's `http` is 8080),
// or whose number is a declared port with two adjacent digits swapped (a typo; a digit added or
// changed is not evidence: 18080 beside 8080 and 8443 beside 9443 are real, distinct ports),
// is reported even when the Service's other ports reach declared ports.
import type { TrafficGraph } from '../graph';
import type { Service, ServicePort } from '../model/service';
import { get, getPath, integerValue, scalarText, seqItems, stringValue } from '../tree';
import type { ContainerPort, Workload } from '../model/workload';
import { landingPort, reachedOnDeclaredPort } from '../servicePorts';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';
import { describeDeclaredPorts, describeWorkloads, servicePortOutcomes } from './service-ports';

export default defineRule({
  id: 'service-target-port-unmatched',
  severity: 'warning',
  description: 'A numeric targetPort is not declared by any container of the selected pods.',
  remediation: 'Set targetPort to the containerPort the application listens on (or name the port and target the name).',
  check: {
    service(ctx, service) {
      const resource = service.resource;
      for (const { port, resolutions } of servicePortOutcomes(ctx.graph, service)) {
        if (typeof port.targetPort !== 'number') continue;
        // Every template must declare ports, none may serve this one in any protocol, and no Service
        // may reach any of them on a declared port.
        if (!resolutions.every((r) => r.status === 'undeclared')) continue;
        const workloads = resolutions.map((r) => r.workload);
        // The kubelet probes the container on this port, or its command line or environment tells
        // the process to listen there: the declarations are stale or partial.
        if (probesPort(workloads, port.targetPort) || configuresPort(workloads, port.targetPort)) continue;
        const evidence = likelyMeant(service, port, workloads);
        if (!evidence && resolutions.some((r) => reachedOnDeclaredPort(ctx.graph, r.workload))) continue;
        // Another Service reaches the same image on this number: the image likely listens there,
        // and these declarations are stale (an older release's), whatever their names suggest.
        const alike = sameImageReachedOn(ctx.graph, service, port.targetPort, workloads);
        // Several ports of the Service each disagree by name with the declarations: not one typo,
        // but declarations and Service written for different versions of the image; which is
        // right cannot be known.
        const skewed = !alike && evidence !== undefined && namedMismatches(service, workloads) > 1;
        const what = port.targetPortExplicit
          ? `targetPort ${port.targetPort}`
          : `Port ${port.port} (targetPort defaults to it)`;
        ctx.report({
          span: port.targetPortSpan,
          severity: alike || skewed ? 'info' : undefined,
          message: `${what} is not declared by any container of ${describeWorkloads(workloads)}, which declare${workloads.length === 1 ? 's' : ''} ${describeDeclaredPorts(workloads)}.${evidence ?? ''}${alike ? ` Service '${alike.service.resource.name}' reaches the same image (${alike.image}) of ${describeWorkloads([alike.workload])} on ${port.targetPort} too: the image may listen there, and its containerPort declarations be stale.` : ''}${skewed ? ' Other ports of this Service disagree with the declarations the same way: they may describe another version of the image than the Service does.' : ''}`,
          related: workloads.map((w) => ({
            resource: w.resource,
            message: `selected by Service ${resource.name}; declares ${describeDeclaredPorts([w])}`,
          })),
        });
      }
    },
  },
});

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'];

/**
 * What a workload's containers say of the ports they listen on besides their declarations, read
 * from its tree once (model/ownFacts.ts): the port numbers their probes check, the numbers their
 * command, arguments and environment give as ports, and the repositories of their images.
 */
interface ContainerHints {
  readonly probed: readonly number[];
  /**
   * Numbers standing alone in the command, arguments and env values (`--metrics-bind-address=:8443`,
   * `--port 8443`, `-listen=0.0.0.0:8443`, `PORT=8443`: kubebuilder scaffolds serve metrics on a
   * port set by an argument and declare none; a kustomize patch often adds the argument): digits
   * after `:`, `=`, a space or nothing, and before a non-digit other than `.` (so 18443 or a
   * version 1.8443 does not count), as written.
   */
  readonly configured: readonly string[];
  readonly images: readonly string[];
}

const STANDING_ALONE = /(?<=^|[:=\s])\d+(?![\d.])/g;

const containerHints = ownFact('workload', (workload): ContainerHints | undefined => {
  const probed: number[] = [];
  const configured = new Set<string>();
  const images = new Set<string>();
  for (const c of workload.template.containers) {
    for (const probe of PROBES)
      for (const handler of PROBE_HANDLERS) {
        const port = integerValue(getPath(c.node, probe, handler, 'port'));
        if (port !== undefined) probed.push(port);
      }
    const texts = [...seqItems(get(c.node, 'command')), ...seqItems(get(c.node, 'args'))].map(scalarText);
    for (const env of seqItems(get(c.node, 'env'))) texts.push(scalarText(get(env, 'value')));
    for (const t of texts) if (t !== undefined) for (const m of t.matchAll(STANDING_ALONE)) configured.add(m[0]);
    const image = stringValue(get(c.node, 'image'));
    if (image) images.add(imageRepository(image));
  }
  return probed.length + configured.size + images.size > 0
    ? { probed, configured: [...configured], images: [...images] }
    : undefined;
});

/** Whether a container's liveness, readiness or startup probe checks this port number. */
function probesPort(workloads: readonly Workload[], port: number): boolean {
  return workloads.some((w) => containerHints.of(w.resource)?.probed.includes(port));
}

/** Whether a container's command, arguments or environment give this port number as a port. */
function configuresPort(workloads: readonly Workload[], port: number): boolean {
  const written = String(port);
  return workloads.some((w) => containerHints.of(w.resource)?.configured.includes(written));
}

/** An image without its tag or digest (`kong/go-echo:0.3.0` -> `kong/go-echo`). */
function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

function imagesOf(workload: Workload): Set<string> {
  return new Set(containerHints.of(workload.resource)?.images);
}

/**
 * Another Service of the namespace whose numeric targetPort is the same number and whose pods, of
 * another workload, run one of the same images: independent manifests agreeing on the number.
 */
function sameImageReachedOn(
  graph: TrafficGraph,
  service: Service,
  targetPort: number,
  workloads: readonly Workload[],
): { service: Service; workload: Workload; image: string } | undefined {
  const images = new Set(workloads.flatMap((w) => [...imagesOf(w)]));
  if (images.size === 0) return undefined;
  for (const other of graph.servicesIn(service.resource.namespace ?? 'default')) {
    // Not the Service itself, nor a copy of it (the same app defined again elsewhere).
    if (other.resource.id === service.resource.id) continue;
    for (const w of graph.workloadsSelectedBy(other)) {
      if (workloads.some((x) => x.resource.id === w.resource.id)) continue;
      // A number, or a name that lands on this number in that workload.
      if (
        !other.ports.some(
          (p) => p.targetPort === targetPort || landingPort(graph.resolveServicePort(p, w)) === targetPort,
        )
      )
        continue;
      const image = [...imagesOf(w)].find((i) => images.has(i));
      if (image) return { service: other, workload: w, image };
    }
  }
  return undefined;
}

/** The container ports the templates declare. */
function declaredPorts(workloads: readonly Workload[]): ContainerPort[] {
  return workloads.flatMap((w) => w.template.containers.flatMap((c) => c.ports));
}

/** The declared port of the Service port's name and protocol, when it has another number than the port targets. */
function sameNameOtherNumber(declared: readonly ContainerPort[], port: ServicePort): ContainerPort | undefined {
  if (port.name === undefined) return undefined;
  return declared.find(
    (d) => d.name === port.name && d.protocol === port.protocol && d.containerPort !== port.targetPort,
  );
}

/** How many numeric ports of the Service target another number than the container port of their name. */
function namedMismatches(service: Service, workloads: readonly Workload[]): number {
  const declared = declaredPorts(workloads);
  return service.ports.filter((p) => typeof p.targetPort === 'number' && sameNameOtherNumber(declared, p)).length;
}

/** What the port likely meant, from its name or swapped digits, among ports no other port of the Service targets. */
function likelyMeant(service: Service, port: ServicePort, workloads: readonly Workload[]): string | undefined {
  const declared = declaredPorts(workloads).filter((p) => p.protocol === port.protocol);
  const named = sameNameOtherNumber(declared, port);
  if (named)
    return ` The Service port is named '${port.name}', and the container port '${port.name}' is ${named.containerPort}.`;
  const targeted = new Set(service.ports.filter((p) => p !== port).map((p) => p.targetPort));
  const written = String(port.targetPort);
  const near = declared.find(
    (p) =>
      !targeted.has(p.containerPort) &&
      !(p.name !== undefined && targeted.has(p.name)) &&
      isTransposition(String(p.containerPort), written),
  );
  return near ? ` Did you mean ${near.containerPort}${near.name ? ` (${near.name})` : ''}?` : undefined;
}

function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}
