// Ports: where a Service port's traffic lands in a selected workload, and which Service port an
// Ingress or route backend names.
import { hasPlaceholder } from '../placeholders';
import type { ServicePort } from '../model/service';
import { declaresAnyPort, type Container, type ContainerPort, type Workload } from '../model/workload';

export type PortResolutionStatus =
  | 'resolved' // the port is served by a declared container port
  | 'assumed' // a numeric port the template does not declare while it declares none at all: traffic goes there, unverified
  | 'undeclared' // a numeric port that no container declares, while some declare ports
  | 'name-unresolved' // a named targetPort that no container declares: no endpoints
  | 'protocol-mismatch'; // declared, but with another protocol

export interface PortResolution {
  readonly workload: Workload;
  readonly status: PortResolutionStatus;
  readonly containerPort: number | undefined;
  readonly container: Container | undefined;
  readonly declared: ContainerPort | undefined;
}

/**
 * Where a Service port's traffic lands in one selected workload, as the endpoints controller
 * decides (pkg/api/v1/pod FindPort): a named targetPort is looked up by name and protocol among
 * the containers' ports; a number is used as it is, declared or not.
 */
export function resolveServicePort(port: ServicePort, workload: Workload): PortResolution {
  const containers = workload.template.containers;
  const base = { workload, container: undefined, declared: undefined, containerPort: undefined };
  // A targetPort written as a substitution placeholder is unknown: traffic goes somewhere, unverified.
  if (typeof port.targetPort === 'string' && hasPlaceholder(port.targetPort)) return { ...base, status: 'assumed' };
  if (typeof port.targetPort === 'string') {
    let sameNameOtherProtocol: { container: Container; declared: ContainerPort } | undefined;
    for (const container of containers) {
      for (const declared of container.ports) {
        if (declared.name !== port.targetPort) continue;
        if (declared.protocol === port.protocol)
          return { workload, status: 'resolved', container, declared, containerPort: declared.containerPort };
        sameNameOtherProtocol ??= { container, declared };
      }
    }
    if (sameNameOtherProtocol)
      return { ...base, ...sameNameOtherProtocol, status: 'protocol-mismatch', containerPort: undefined };
    // Operator-made pods may declare ports the operator table does not list.
    return { ...base, status: workload.template.producer?.portsOpen ? 'assumed' : 'name-unresolved' };
  }
  let otherProtocol: { container: Container; declared: ContainerPort } | undefined;
  for (const container of containers) {
    for (const declared of container.ports) {
      if (declared.containerPort !== port.targetPort) continue;
      if (declared.protocol === port.protocol)
        return { workload, status: 'resolved', container, declared, containerPort: declared.containerPort };
      otherProtocol ??= { container, declared };
    }
  }
  if (otherProtocol) return { ...base, ...otherProtocol, status: 'protocol-mismatch', containerPort: port.targetPort };
  return {
    ...base,
    containerPort: port.targetPort,
    status: declaresAnyPort(workload.template) && !workload.template.producer?.portsOpen ? 'undeclared' : 'assumed',
  };
}
