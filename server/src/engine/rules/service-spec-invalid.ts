// Rule: service-spec-invalid
// What the API server rejects in a Service's spec and in a pod template's container ports, checked
// as pkg/apis/core/validation/validation.go does it:
// - ValidateService / validateServicePort: every port needs a name when there are several
//   (field.Required "name"), names are DNS-1123 labels and unique (field.Duplicate), (port,
//   protocol) pairs are unique (field.Duplicate), port is 1-65535 (IsValidPortNum), a numeric
//   targetPort is 1-65535 (0 means "same as port") and a string one is an IANA port name
//   (IsValidPortName: a quoted "8080" is a string and fails "must contain at least one letter");
// - clusterIP None is rejected for NodePort and LoadBalancer ("may not be set to 'None' for ...");
// - validateServiceExternalTrafficPolicy: externalTrafficPolicy "may only be set for
//   externally-accessible services" (NodePort, LoadBalancer, or ClusterIP with externalIPs);
// - loadBalancerSourceRanges "may only be used when `type` is 'LoadBalancer'" (field.Forbidden);
// - validateContainerPorts: a container port name is an IANA port name, unique within its container.
// Names duplicated across two containers of one pod are accepted (the API only warns), so not reported.
import { apiGroup, describesExpectedState, type Resource } from '../model/resource';
import { hasPlaceholder } from '../placeholders';
import type { YNode } from '../syntax';
import { asScalar, get, integerValue, seqItems, stringValue } from '../tree';
import { isDns1123Label, isValidPortNumber, portNameProblem } from './api-validation';
import { ownFindings } from './ownFacts';
import { defineRule, type Report } from './rule';
import { POD_TEMPLATE_PATHS } from '../model/kinds';

const BUILTIN_GROUPS = new Set(['', 'apps', 'batch', 'extensions']);
const EXTERNALLY_ACCESSIBLE = new Set(['NodePort', 'LoadBalancer']);

function checkService(report: (r: Report) => void, resource: Resource): void {
  const spec = get(resource.node, 'spec');
  const type = stringValue(get(spec, 'type')) ?? 'ClusterIP';
  // A value filled in later (envsubst, Flux, a kustomize replacement) is unknown, so not judged.
  const reject = (node: YNode, message: string) => {
    if (node.type === 'scalar' && hasPlaceholder(node.text)) return;
    report({ span: node.span, message: `${message}; the API server rejects the Service.` });
  };
  const ports = seqItems(get(spec, 'ports'));
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const p of ports) {
    const nameNode = get(p, 'name');
    const name = stringValue(nameNode);
    if (!name) {
      if (ports.length > 1)
        reject(p, 'This port has no name, and every port of a Service with several ports must have one');
    } else if (!isDns1123Label(name)) {
      reject(nameNode!, `Port name '${name}' is not a DNS-1123 label (lowercase letters, digits and '-', at most 63)`);
    } else if (names.has(name)) {
      reject(nameNode!, `Port name '${name}' is used twice`);
    } else names.add(name);
    const portNode = get(p, 'port');
    const port = integerValue(portNode);
    if (port !== undefined && !isValidPortNumber(port)) reject(portNode!, `Port ${port} is outside 1-65535`);
    if (port !== undefined) {
      const protocol = stringValue(get(p, 'protocol')) ?? 'TCP';
      const key = `${port}/${protocol}`;
      if (keys.has(key)) reject(portNode!, `Port ${key} is defined twice`);
      keys.add(key);
    }
    const target = asScalar(get(p, 'targetPort'));
    if (typeof target?.value === 'number' && target.value !== 0 && !isValidPortNumber(target.value))
      reject(target, `targetPort ${target.value} is outside 1-65535`);
    if (typeof target?.value === 'string' && target.value !== '') {
      const problem = portNameProblem(target.value);
      if (problem) {
        const quoted = /^\d+$/.test(target.value)
          ? ` (a quoted number is a string: write ${target.value} without quotes)`
          : '';
        reject(target, `targetPort '${target.value}' is not a valid port name: it ${problem}${quoted}`);
      }
    }
  }
  const clusterIP = get(spec, 'clusterIP');
  if (stringValue(clusterIP) === 'None' && EXTERNALLY_ACCESSIBLE.has(type))
    reject(clusterIP!, `clusterIP: None is not allowed for type ${type}`);
  const policy = get(spec, 'externalTrafficPolicy');
  const hasExternalIPs = seqItems(get(spec, 'externalIPs')).length > 0;
  if (policy && stringValue(policy) && !EXTERNALLY_ACCESSIBLE.has(type) && !(type === 'ClusterIP' && hasExternalIPs)) {
    reject(
      policy,
      `externalTrafficPolicy may only be set on NodePort and LoadBalancer Services (or with externalIPs), not on type ${type}`,
    );
  }
  const ranges = get(spec, 'loadBalancerSourceRanges');
  if (seqItems(ranges).length > 0 && type !== 'LoadBalancer')
    reject(ranges!, `loadBalancerSourceRanges may only be used with type LoadBalancer, not ${type}`);
}

function checkContainerPorts(report: (r: Report) => void, resource: Resource): void {
  const path = POD_TEMPLATE_PATHS[resource.kind];
  // Core validation judges the built-in kinds only; a custom resource's schema is its own.
  if (path === undefined || !BUILTIN_GROUPS.has(apiGroup(resource.apiVersion))) return;
  const podSpec = get(
    path.length === 0 ? resource.node : path.reduce<YNode | undefined>((node, key) => get(node, key), resource.node),
    'spec',
  );
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const container of seqItems(get(podSpec, list))) {
      const seen = new Set<string>();
      for (const p of seqItems(get(container, 'ports'))) {
        const nameNode = get(p, 'name');
        const name = stringValue(nameNode);
        if (!name) continue;
        const problem = portNameProblem(name);
        const reject = (message: string) =>
          report({ span: nameNode!.span, message: `${message}; the API server rejects the ${resource.kind}.` });
        if (problem) reject(`Container port name '${name}' is not a valid port name: it ${problem}`);
        else if (seen.has(name))
          reject(
            `Container port name '${name}' is used twice in container '${stringValue(get(container, 'name')) ?? ''}'`,
          );
        seen.add(name);
      }
    }
  }
}

// Judged once per instance, from its own fields.
const serviceFindings = ownFindings('service', (service, report) => {
  if (!describesExpectedState(service.resource.file)) checkService(report, service.resource);
});
const containerFindings = ownFindings('workload', (workload, report) => {
  if (!describesExpectedState(workload.resource.file)) checkContainerPorts(report, workload.resource);
});

export default defineRule({
  id: 'service-spec-invalid',
  severity: 'error',
  description:
    "A Service's ports or type-dependent fields, or a container's port names, are rejected by the API server.",
  remediation:
    'Fix the field as the message says: name every port of a multi-port Service, keep names and (port, protocol) unique, use IANA port names, and set type-dependent fields only on the types that allow them.',
  check: {
    service(ctx, service) {
      serviceFindings.reportOn(ctx, service.resource);
    },
    workload(ctx, workload) {
      containerFindings.reportOn(ctx, workload.resource);
    },
  },
});
