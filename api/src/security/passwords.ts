import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes for preview links: scrypt (N=2^15, r=8, p=1: about 80 ms and 32 MiB here), a random
 * 16-byte salt, stored as a PHC-style string `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64url) so the
 * parameters can be raised later without breaking stored hashes.
 */
const LOG2_N = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Limits on what a stored hash may ask for, so a tampered row cannot make one check take minutes. */
const MAX_LOG2_N = 20;
const MAX_BLOCK_SIZE = 16;
const MAX_PARALLELISM = 4;
/** Passwords longer than this are cut before hashing (the API refuses them; the form could send anything). */
const MAX_PASSWORD_CHARS = 1024;
/**
 * At most this many scrypt runs at once, process-wide (each holds 32 MiB, and a run left waiting for a
 * thread would hold up file reads behind it).
 */
export const MAX_CONCURRENT_SCRYPT = 4;
/** Runs waiting for a turn, all together and per asker: past either, a run is refused at once (ScryptBusy). */
const MAX_WAITING = 256;
const MAX_WAITING_PER_ASKER = 4;

/** Too many password checks are waiting: try again in a moment (nothing was checked). */
export class ScryptBusy extends Error {
  constructor() {
    super('Too many password checks are waiting');
  }
}

interface Params {
  log2N: number;
  r: number;
  p: number;
}

let running = 0;
let waitingCount = 0;
/**
 * Waiting runs by who asked (a client address): turns go round the askers in order, one each, so whoever sends
 * many wrong passwords waits behind their own, not in front of everyone else's.
 */
const waiting = new Map<string, (() => void)[]>();
/** Checks for clients that entered the password before: they go ahead of the rotation (an attacker never is one). */
const waitingFirst: (() => void)[] = [];

/** A turn to run scrypt for `asker`: now, or when the rotation comes to it (`first`: ahead of it); ScryptBusy when too many wait. */
async function turn(asker: string, first: boolean): Promise<void> {
  if (running < MAX_CONCURRENT_SCRYPT) {
    running++;
    return;
  }
  if (first && waitingFirst.length < MAX_WAITING) {
    await new Promise<void>((resolve) => waitingFirst.push(resolve));
    return;
  }
  const queue = waiting.get(asker) ?? [];
  if (queue.length >= MAX_WAITING_PER_ASKER || waitingCount >= MAX_WAITING) throw new ScryptBusy();
  waitingCount++;
  await new Promise<void>((resolve) => {
    queue.push(resolve);
    waiting.set(asker, queue);
  });
}

/** Hands the turn to the asker first in the rotation, who then goes to its end. */
function endTurn(): void {
  const ahead = waitingFirst.shift();
  if (ahead !== undefined) return ahead();
  const first = waiting.entries().next();
  if (first.done === true) {
    running--;
    return;
  }
  const [asker, queue] = first.value;
  const next = queue.shift()!;
  waiting.delete(asker);
  if (queue.length > 0) waiting.set(asker, queue);
  waitingCount--;
  next();
}

async function derive(password: string, salt: Buffer, params: Params, length: number, asker: string, first = false): Promise<Buffer> {
  const N = 2 ** params.log2N;
  await turn(asker, first);
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.slice(0, MAX_PASSWORD_CHARS), salt, length, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 }, (error, key) =>
        error ? reject(error) : resolve(key),
      ),
    );
  } finally {
    endTurn();
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const params = { log2N: LOG2_N, r: BLOCK_SIZE, p: PARALLELISM };
  const key = await derive(password, salt, params, KEY_BYTES, 'stagingd');
  return `$scrypt$ln=${params.log2N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(encoded: string): { params: Params; salt: Buffer; key: Buffer } | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([\w-]{16,})\$([\w-]{32,})$/.exec(encoded);
  if (!match) return undefined;
  const params = { log2N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.log2N < 10 || params.log2N > MAX_LOG2_N || params.r < 1 || params.r > MAX_BLOCK_SIZE || params.p < 1 || params.p > MAX_PARALLELISM)
    return undefined;
  return { params, salt: Buffer.from(match[4]!, 'base64url'), key: Buffer.from(match[5]!, 'base64url') };
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password nobody knows, made once: checked against when there is no real hash (an
 * unknown link), so that a wrong link costs exactly what a wrong password costs.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummy;
}

/**
 * Runs scrypt whatever happens (a malformed hash is checked as the dummy's), then compares in constant time.
 * `asker` (a client address) takes its turn among the others fairly, or ahead of them when it is `proven` (it
 * entered the password before); ScryptBusy when too many checks wait.
 */
export async function verifyPassword(password: string, encoded: string, asker: string, proven = false): Promise<boolean> {
  const stored = parse(encoded);
  const against = stored ?? parse(await dummyPasswordHash())!;
  const key = await derive(password, against.salt, against.params, against.key.length, asker, proven);
  return stored !== undefined && timingSafeEqual(key, against.key);
}
