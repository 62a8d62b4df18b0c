import { previewHost } from '../proxy/preview-proxy';
import { ClientError } from '../context/client-error';

/**
 * An environment must have a preview address: `<env>--<project>` is one DNS label, so at most 63
 * characters and no `--` inside the environment name. Refused with 422 where the name is made.
 */
export function checkPreviewName(project: string, environment: string, field: string): void {
  try {
    previewHost(project, environment, 'localhost');
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ClientError(
      422,
      `Environment '${environment}' cannot have a preview address for project '${project}': '${environment}--${project}' must be a DNS label (at most 63 characters, no '--' in the environment name).`,
      { field },
    );
  }
}
