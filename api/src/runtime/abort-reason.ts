/** Why work was aborted, in words: the message of the signal's reason (a cancel says who and why). */
export function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'cancelled';
}
