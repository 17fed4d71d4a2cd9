// Rule: probe-port-unresolved
// Probe ports are resolved by the kubelet in the probed container only (a named port must be one
// of that container's ports). A name it does not declare fails every probe: a liveness probe then
// restarts the container forever, a readiness probe keeps the pod out of its Services. A numeric
// port that no container of the pod declares is only information: `containerPort` is informational
// (a container listens on whatever its process opens; controller-runtime's health port 8081 and many
// servers' admin ports are never declared), and it is said only when the pod declares ports at all,
// and not when the probed container's other ports are reached by a Service. A port that is a
// substitution placeholder (`${PORT}`) is unknown and not judged.
import type { Container } from '../model/workload';
import type { YNode } from '../syntax';
import type { Span } from '../text';
import { asScalar, get } from '../tree';
import { hasPlaceholder } from '../placeholders';
import { reachedOnDeclaredPort } from '../servicePorts';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

interface ProbedPort {
  /** The probed container, by its index in the template's containers. */
  readonly container: number;
  readonly probe: string;
  readonly value: string | number | boolean;
  readonly span: Span;
}

/**
 * The ports the template's probes name that its containers do not declare (not those written as
 * placeholders), read from its tree once (rules/ownFacts.ts): a name the probed container does not
 * declare, a number no container of the pod declares when it declares some.
 */
const undeclaredProbePorts = ownFact('workload', (workload) => {
  const allPorts = workload.template.containers.flatMap((c) => c.ports);
  let out: ProbedPort[] | undefined;
  workload.template.containers.forEach((container, index) => {
    for (const { probe, portNode } of probePorts(container)) {
      const port = asScalar(portNode);
      if (!port || port.value === null || (typeof port.value === 'string' && hasPlaceholder(port.value))) continue;
      if (typeof port.value === 'string' && !/^\d+$/.test(port.value)) {
        if (container.ports.some((p) => p.name === port.value)) continue;
      } else {
        const number = Number(port.value);
        if (allPorts.length === 0 || allPorts.some((p) => p.containerPort === number)) continue;
      }
      (out ??= []).push({ container: index, probe, value: port.value, span: port.span });
    }
  });
  return out;
});

export default defineRule({
  id: 'probe-port-unresolved',
  severity: 'error',
  description: 'A probe names a port its container does not declare, or a port no container of the pod declares.',
  remediation: 'Use a port name the probed container declares, or the number it listens on.',
  check: {
    workload(ctx, workload) {
      const allPorts = workload.template.containers.flatMap((c) => c.ports);
      const containers = workload.template.containers;
      for (const port of undeclaredProbePorts.of(workload.resource) ?? []) {
        const container = containers[port.container];
        const probe = port.probe;
        if (typeof port.value === 'string' && !/^\d+$/.test(port.value)) {
          const names = container.ports.map((p) => p.name).filter(Boolean);
          ctx.report({
            span: port.span,
            message: `${probe} of container '${container.name}' uses port '${port.value}', which that container does not declare (${names.length ? `its port names: ${names.join(', ')}` : 'it names no ports'}); the probe always fails.`,
          });
          continue;
        }
        const number = Number(port.value);
        if (reachedOnDeclaredPort(ctx.graph, workload)) continue;
        ctx.report({
          span: port.span,
          severity: 'info',
          message: `${probe} of container '${container.name}' probes port ${number}, which no container of the pod declares (declared: ${[...new Set(allPorts.map((p) => p.containerPort))].join(', ')}); the container may still listen there (containerPort is informational).`,
        });
      }
    },
  },
});

function probePorts(container: Container): { probe: string; portNode: YNode | undefined }[] {
  const out: { probe: string; portNode: YNode | undefined }[] = [];
  for (const probe of PROBES) {
    const p = get(container.node, probe);
    if (!p) continue;
    for (const handler of HANDLERS) {
      const h = get(p, handler);
      if (h) out.push({ probe, portNode: get(h, 'port') });
    }
  }
  return out;
}
