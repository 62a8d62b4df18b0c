/** Whether the API setting points at this machine, where a local stagingd can be started for the workspace. */
export function isLocalApi(apiUrl: string): boolean {
  return /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(apiUrl);
}
