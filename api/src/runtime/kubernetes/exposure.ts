/**
 * How an environment is reached and what it may reach: an Ingress for its host (TLS from cert-manager, or from a
 * Secret the operator provides), and a NetworkPolicy that admits only the ingress controller's namespace (and
 * others named, e.g. stagingd's own) and the namespace itself, and lets the pods out only to DNS and the listed
 * addresses (the e-mail capture server): environments cannot reach each other or the internet.
 */
import type { k8s } from './client';
import { APP, NETWORK_POLICY, PORT_NAME, environmentLabels, type EnvironmentRef } from './names';

export type IngressTls =
  /** cert-manager issues the certificate into `<namespace>-tls` (annotation `cert-manager.io/cluster-issuer`). */
  | { certManagerClusterIssuer: string }
  /** A `kubernetes.io/tls` Secret, copied into each environment's namespace from `sourceNamespace`. */
  | { secretName: string; sourceNamespace: string };

export interface EgressRule {
  /** e.g. the e-mail capture server: `10.0.0.5/32` */
  cidr: string;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

export interface ExposureOptions {
  ingressClassName?: string;
  tls?: IngressTls;
  /** The namespaces whose pods may connect: the ingress controller's, and stagingd's when its proxy forwards directly. */
  allowFromNamespaces: string[];
  egress: EgressRule[];
}

export const tlsSecretName = (namespace: string, tls: IngressTls): string => ('secretName' in tls ? tls.secretName : `${namespace}-tls`);

export function ingressManifest(namespace: string, ref: EnvironmentRef, host: string, options: ExposureOptions): k8s.V1Ingress {
  const { tls } = options;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: APP,
      namespace,
      labels: environmentLabels(ref),
      ...(tls && 'certManagerClusterIssuer' in tls ? { annotations: { 'cert-manager.io/cluster-issuer': tls.certManagerClusterIssuer } } : {}),
    },
    spec: {
      ...(options.ingressClassName ? { ingressClassName: options.ingressClassName } : {}),
      ...(tls ? { tls: [{ hosts: [host], secretName: tlsSecretName(namespace, tls) }] } : {}),
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: APP, port: { name: PORT_NAME } } } }] } }],
    },
  };
}

const byName = (namespace: string): k8s.V1LabelSelector => ({ matchLabels: { 'kubernetes.io/metadata.name': namespace } });

export function networkPolicyManifest(namespace: string, ref: EnvironmentRef, options: ExposureOptions): k8s.V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: NETWORK_POLICY, namespace, labels: environmentLabels(ref) },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          _from: [...options.allowFromNamespaces.map((name) => ({ namespaceSelector: byName(name) })), { podSelector: {} }],
          ports: [{ port: PORT_NAME, protocol: 'TCP' }],
        },
      ],
      egress: [
        {
          to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
        ...options.egress.map((rule) => ({ to: [{ ipBlock: { cidr: rule.cidr } }], ports: [{ port: rule.port, protocol: rule.protocol ?? 'TCP' }] })),
      ],
    },
  };
}
