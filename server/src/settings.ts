import { defaultSettings, type StagingSettings } from '../../common/src/lsp-protocol';

/** Reads the `staging` section as a client sent it, falling back per field so a partial section is fine. */
export function readSettings(raw: unknown): StagingSettings {
  const section = raw !== null && typeof raw === 'object' ? (raw as { validation?: { enabled?: unknown; ignore?: unknown } }) : {};
  const validation = section.validation ?? {};
  return {
    validation: {
      enabled: typeof validation.enabled === 'boolean' ? validation.enabled : defaultSettings.validation.enabled,
      ignore: Array.isArray(validation.ignore) ? validation.ignore.filter((c): c is string => typeof c === 'string') : defaultSettings.validation.ignore,
    },
  };
}
