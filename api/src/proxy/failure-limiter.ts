/**
 * Counts failures per key (a client address, a preview link) in a fixed window that opens at the key's
 * first failure, and refuses a key that reached the limit until its window closes. In memory, bounded:
 * when full it forgets closed windows first, then keys that are not refused, but never a refused key
 * before its window closes (or whoever has many addresses could flush a link's lock by filling it). A new
 * key that finds it full of refused keys is let through untracked or refused, as `whenFull` says: client
 * addresses go untracked (the link's own count still holds), links are refused (closed, not open).
 */

/** One attempt counted ahead of its check (FailureLimiter.reserve). */
export interface Reservation {
  /** 0: counted as a failure until refunded. Otherwise the seconds to wait, and nothing was counted. */
  readonly retryAfterSeconds: number;
  /** The attempt did not fail after all: takes it back (once; nothing happens when refused or its window has closed). */
  refund(): void;
}

interface Window {
  start: number;
  failures: number;
}

/** What a new key gets when every key held is refused and there is no room for it. */
export type WhenFull = 'untracked' | 'refused';

const NOTHING_TO_REFUND = (): void => {};
const UNTRACKED: Reservation = { retryAfterSeconds: 0, refund: NOTHING_TO_REFUND };

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();
  /** Full of refused keys: none can be forgotten before this time, so no new key looks for room until then. */
  private fullUntil = 0;

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly clock: () => number = Date.now,
    private readonly capacity = 100_000,
    private readonly whenFull: WhenFull = 'untracked',
  ) {}

  /** A limiter with `limitFactor` times the limit, the same window, clock and capacity, and keys of its own (links apart from addresses). */
  separate(whenFull: WhenFull, limitFactor = 1): FailureLimiter {
    return new FailureLimiter(this.limit * limitFactor, this.windowMs, this.clock, this.capacity, whenFull);
  }

  /** Seconds until the key may try again; 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const window = this.windows.get(key);
    if (window === undefined) return 0;
    const left = window.start + this.windowMs - this.clock();
    if (left <= 0) {
      this.windows.delete(key);
      return 0;
    }
    return window.failures >= this.limit ? Math.ceil(left / 1000) : 0;
  }

  /**
   * Counts an attempt as a failure before it is checked, in the same step as the look at the limit, so
   * that parallel attempts cannot all get in under it while the first are being checked. Refund it when
   * the attempt turns out right.
   */
  reserve(key: string): Reservation {
    const at = this.clock();
    let window = this.windows.get(key);
    if (window !== undefined && window.start + this.windowMs <= at) {
      this.windows.delete(key);
      window = undefined;
    }
    if (window === undefined) {
      if (this.windows.size >= this.capacity && !this.makeRoom(at)) {
        return this.whenFull === 'untracked' ? UNTRACKED : { retryAfterSeconds: secondsUntil(this.fullUntil, at), refund: NOTHING_TO_REFUND };
      }
      window = { start: at, failures: 0 };
      this.windows.set(key, window);
    } else if (window.failures >= this.limit) {
      return { retryAfterSeconds: secondsUntil(window.start + this.windowMs, at), refund: NOTHING_TO_REFUND };
    }
    window.failures++;
    const counted = window;
    let refunded = false;
    return {
      retryAfterSeconds: 0,
      refund: () => {
        if (refunded) return;
        refunded = true;
        // A window that closed since (and maybe reopened for other failures) owes this attempt nothing.
        if (this.windows.get(key) === counted && counted.failures > 0) counted.failures--;
      },
    };
  }

  /** Counts a failure (when the key is not refused already). */
  fail(key: string): void {
    this.reserve(key);
  }

  /** Whether a new key fits after forgetting closed windows, then keys that are not refused (oldest first). */
  private makeRoom(at: number): boolean {
    if (at < this.fullUntil) return false;
    for (const [key, window] of this.windows) if (window.start + this.windowMs <= at) this.windows.delete(key);
    // Down to half, so that the next new keys do not look again at once.
    if (this.windows.size >= this.capacity)
      for (const [key, window] of this.windows) {
        if (this.windows.size < this.capacity / 2) break;
        if (window.failures < this.limit) this.windows.delete(key);
      }
    if (this.windows.size < this.capacity) return true;
    let soonest = Infinity;
    for (const window of this.windows.values()) soonest = Math.min(soonest, window.start + this.windowMs);
    this.fullUntil = soonest;
    return false;
  }
}

function secondsUntil(end: number, at: number): number {
  return Math.max(1, Math.ceil((end - at) / 1000));
}

/**
 * The part of a client's address the limits count: an IPv4 address whole (also when a dual-stack socket
 * reports it as `::ffff:a.b.c.d`), an IPv6 address by its /64, since one host usually has a whole /64 to
 * pick addresses from.
 */
export function addressKey(address: string): string {
  const zone = address.indexOf('%');
  const plain = (zone === -1 ? address : address.slice(0, zone)).toLowerCase();
  if (!plain.includes(':')) return plain;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (mapped) return mapped[1]!;
  const groups = ipv6Groups(plain);
  return groups === undefined ? plain : `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, without leading zeros; undefined when it is not one. */
function ipv6Groups(address: string): string[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const split = (part: string): string[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const last = groups[groups.length - 1]!;
    if (!last.includes('.')) return groups;
    // An IPv4 tail is the last two groups.
    const bytes = last.split('.').map(Number);
    if (bytes.length !== 4 || bytes.some((byte) => !Number.isInteger(byte) || byte > 255)) return [''];
    return [...groups.slice(0, -1), ((bytes[0]! << 8) | bytes[1]!).toString(16), ((bytes[2]! << 8) | bytes[3]!).toString(16)];
  };
  const head = split(halves[0]!);
  const tail = halves.length === 2 ? split(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => parseInt(group, 16).toString(16));
}
