/**
 * Deployment ids become file names, so only plain names pass: letters, digits, '.', '_' and '-', starting with a
 * letter or digit (no '/', '\', '..', hidden files or empty names), at most 128 characters.
 */
const safeDeploymentId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function assertSafeDeploymentId(deploymentId: string): void {
  if (typeof deploymentId !== 'string' || !safeDeploymentId.test(deploymentId) || deploymentId.includes('..')) {
    throw new Error(`Invalid deployment id for a log: ${JSON.stringify(deploymentId)}`);
  }
}
