// Hand-managed endpoints of selector-less Services: core/v1 Endpoints (named like the Service) and
// discovery.k8s.io/v1 EndpointSlices (labelled kubernetes.io/service-name).
import { get, integerValue, seqItems, stringValue } from '../tree';
import type { Resource } from './resource';

export interface ManualEndpoints {
  readonly resource: Resource;
  readonly serviceName: string;
  readonly addresses: readonly string[];
  readonly ports: readonly { name: string | undefined; port: number }[];
}

export function readEndpoints(resource: Resource): ManualEndpoints | undefined {
  if (resource.kind === 'Endpoints' && resource.apiVersion === 'v1') {
    const subsets = seqItems(get(resource.node, 'subsets'));
    return {
      resource,
      serviceName: resource.name,
      addresses: subsets
        .flatMap((s) =>
          seqItems(get(s, 'addresses')).map((a) => stringValue(get(a, 'ip')) ?? stringValue(get(a, 'hostname'))),
        )
        .filter((a): a is string => !!a),
      ports: subsets.flatMap((s) =>
        seqItems(get(s, 'ports')).flatMap((p) => {
          const port = integerValue(get(p, 'port'));
          return port === undefined ? [] : [{ name: stringValue(get(p, 'name')), port }];
        }),
      ),
    };
  }
  if (resource.kind === 'EndpointSlice' && resource.apiVersion.startsWith('discovery.k8s.io/')) {
    const serviceName = resource.labels['kubernetes.io/service-name'];
    if (!serviceName) return undefined;
    return {
      resource,
      serviceName,
      addresses: seqItems(get(resource.node, 'endpoints'))
        .flatMap((e) => seqItems(get(e, 'addresses')).map(stringValue))
        .filter((a): a is string => !!a),
      ports: seqItems(get(resource.node, 'ports')).flatMap((p) => {
        const port = integerValue(get(p, 'port'));
        return port === undefined ? [] : [{ name: stringValue(get(p, 'name')), port }];
      }),
    };
  }
  return undefined;
}
