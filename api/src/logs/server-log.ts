/** stagingd's own log (not a deployment's): a message, and how much it matters (info when not said). */
export type ServerLog = (message: string, level?: ServerLogLevel) => void;

export type ServerLogLevel = 'debug' | 'info' | 'warn' | 'error';
