/**
 * The fake's one node: schedules every new pod onto it and runs its containers the way the test says each image
 * behaves, reporting through the pod's status as a kubelet does:
 *  - `readyAfterMs`: running at once, Ready once that time has passed (the readiness probe started passing);
 *  - `crash`: prints its lines, exits with the code, then waits in CrashLoopBackOff (restartCount 1, lastState
 *    terminated) with a BackOff event; the back-off does not end (on a cluster it is 10 s and growing);
 *  - `unready`: running and never Ready, with an Unhealthy event carrying the probe's failure;
 *  - an image the test never described is not in the registry: ErrImagePull, then ImagePullBackOff; unless the
 *    test gave a `pullWith` function, which pulls it (from a real registry, say) and says how it behaves.
 * A container prints its `logs` lines when it starts; `print` adds a line to every running pod of an image.
 * Deleted pods stop at once (as with a grace period of 0).
 */
import type { ServerResponse } from 'node:http';
import { badRequest, notFound } from './api-status';
import type { EventRecorder } from './event-recorder';
import type { KubeObject, StoreEvent } from './object-store';
import type { Registry } from './registry';

export interface ImageBehaviour {
  readyAfterMs?: number;
  crash?: { exitCode: number; afterMs?: number };
  unready?: { probeMessage: string };
  /** Lines the container prints when it starts. */
  logs?: string[];
}

type Json = Record<string, unknown>;

/** What one container is doing, as its containerStatus reports it. */
interface ContainerRun {
  name: string;
  image: string;
  state: Json;
  lastState?: Json;
  ready: boolean;
  restartCount: number;
}

interface ContainerLog {
  lines: string[];
  followers: Set<ServerResponse>;
  running: boolean;
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class Kubelet {
  private readonly images = new Map<string, ImageBehaviour>();
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  /** By pod uid, then container name. */
  private readonly logs = new Map<string, Map<string, ContainerLog>>();
  private nextPodIp = 2;
  private pull: ((image: string) => Promise<ImageBehaviour | undefined>) | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly registry: Registry,
    private readonly events: EventRecorder,
  ) {
    this.unsubscribe = registry.store.subscribe((event) => this.observe(event));
  }

  /** How containers of an image behave from now on (pods already running keep what they do). */
  setImage(image: string, behaviour: ImageBehaviour): void {
    this.images.set(image, behaviour);
  }

  /** Asked for an image no setImage described, as a kubelet pulls: its behaviour, or undefined when there is no such image. */
  pullWith(pull: (image: string) => Promise<ImageBehaviour | undefined>): void {
    this.pull = pull;
  }

  /** A line printed by every running container of the image. */
  print(image: string, line: string): void {
    for (const pod of this.registry.store.list('pods')) {
      for (const container of this.containers(pod)) if (container['image'] === image) this.append(pod, String(container['name']), line);
    }
  }

  close(): void {
    this.unsubscribe();
    for (const timers of this.timers.values()) timers.forEach(clearTimeout);
    for (const containers of this.logs.values()) for (const log of containers.values()) for (const follower of log.followers) follower.end();
  }

  private containers(pod: KubeObject): Json[] {
    return ((pod['spec'] as Json | undefined)?.['containers'] as Json[] | undefined) ?? [];
  }

  private observe(event: StoreEvent): void {
    if (event.resource !== 'pods') return;
    const uid = event.object.metadata.uid!;
    if (event.type === 'ADDED') setImmediate(() => this.start(event.object));
    if (event.type === 'DELETED') {
      this.timers.get(uid)?.forEach(clearTimeout);
      this.timers.delete(uid);
      for (const log of this.logs.get(uid)?.values() ?? []) for (const follower of log.followers) follower.end();
      this.logs.delete(uid);
    }
  }

  private later(pod: KubeObject, ms: number, action: () => void): void {
    const uid = pod.metadata.uid!;
    const timer = setTimeout(() => {
      if (this.timers.has(uid)) action();
    }, ms);
    this.timers.set(uid, [...(this.timers.get(uid) ?? []), timer]);
  }

  /** Writes the pod's status from what each container is doing now; false when the pod is gone. */
  private report(pod: KubeObject, states: ContainerRun[]): void {
    const current = this.registry.store.get('pods', pod.metadata.namespace, pod.metadata.name!);
    if (!current || current.metadata.uid !== pod.metadata.uid) return;
    const status = (current['status'] as Json | undefined) ?? {};
    const ready = states.every((s) => s.ready);
    const running = states.some((s) => s.state['running'] || s.state['terminated']);
    const unready = states.filter((s) => !s.ready).map((s) => s.name);
    const condition = (type: string, ok: boolean, reason?: string) => ({
      type,
      status: ok ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: now(),
      ...(ok || !reason ? {} : { reason, message: `containers with unready status: [${unready.join(' ')}]` }),
    });
    const next = {
      ...status,
      phase: running || states.some((s) => s.restartCount > 0) ? 'Running' : 'Pending',
      conditions: [
        condition('PodScheduled', true),
        condition('Initialized', true),
        condition('ContainersReady', ready, 'ContainersNotReady'),
        condition('Ready', ready, 'ContainersNotReady'),
      ],
      containerStatuses: states.map((s) => ({
        name: s.name,
        image: s.image,
        imageID: s.state['running'] || s.restartCount > 0 ? `${s.image.split('@')[0]}@sha256:${'0'.repeat(64)}` : '',
        ready: s.ready,
        started: Boolean(s.state['running']),
        restartCount: s.restartCount,
        state: s.state,
        lastState: s.lastState ?? {},
        ...(s.state['running'] || s.restartCount > 0 ? { containerID: `containerd://${pod.metadata.uid!.replaceAll('-', '')}` } : {}),
      })),
    };
    try {
      this.registry.update(this.registry.type('Pod'), current.metadata.namespace, current.metadata.name!, { ...current, status: next }, 'status');
    } catch {
      // Deleted meanwhile.
    }
  }

  private start(created: KubeObject): void {
    const podType = this.registry.type('Pod');
    const pod = this.registry.store.get('pods', created.metadata.namespace, created.metadata.name!);
    if (!pod || pod.metadata.uid !== created.metadata.uid) return;
    this.timers.set(pod.metadata.uid!, []);
    // Scheduling: bound to the one node.
    const bound = this.registry.update(podType, pod.metadata.namespace, pod.metadata.name!, {
      ...this.registry.typed(podType, pod),
      spec: { ...(pod['spec'] as Json), nodeName: 'fake-node' },
    });
    const ip = `10.244.0.${this.nextPodIp++ % 250}`;
    this.registry.update(
      podType,
      bound.metadata.namespace,
      bound.metadata.name!,
      { ...bound, status: { ...(bound['status'] as Json), hostIP: '10.0.0.10', podIP: ip, podIPs: [{ ip }], startTime: now() } },
      'status',
    );
    this.events.record(
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${bound.metadata.namespace}/${bound.metadata.name} to fake-node`,
      'default-scheduler',
    );
    const containers = this.containers(bound).map((c) => ({ name: String(c['name']), image: String(c['image']) }));
    const states: ContainerRun[] = containers.map((c) => ({ ...c, state: { waiting: { reason: 'ContainerCreating' } }, ready: false, restartCount: 0 }));
    this.report(bound, states);
    containers.forEach((container, i) => this.run(bound, container, states, i));
  }

  /** Plays container `i` of the pod as its image's behaviour says, reporting every change of `all`. */
  private run(pod: KubeObject, container: { name: string; image: string }, all: ContainerRun[], i: number, pulled = false): void {
    const state = all[i]!;
    const behaviour = this.images.get(container.image);
    const field = `spec.containers{${container.name}}`;
    if (!behaviour && this.pull && !pulled) {
      this.events.record(pod, 'Normal', 'Pulling', `Pulling image "${container.image}"`, 'kubelet', field);
      const found = (image: ImageBehaviour | undefined) => {
        if (image) this.images.set(container.image, image);
        // The pod may have gone while the image was pulled.
        if (this.timers.has(pod.metadata.uid!)) this.run(pod, container, all, i, true);
      };
      this.pull(container.image).then(found, () => found(undefined));
      return;
    }
    if (!behaviour) {
      state.state = { waiting: { reason: 'ErrImagePull', message: `failed to pull and unpack image "${container.image}": not found` } };
      this.report(pod, all);
      this.events.record(pod, 'Warning', 'Failed', `Failed to pull image "${container.image}": not found`, 'kubelet', field);
      this.later(pod, 20, () => {
        state.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } };
        this.report(pod, all);
        this.events.record(pod, 'Warning', 'BackOff', `Back-off pulling image "${container.image}"`, 'kubelet', field);
      });
      return;
    }
    const startedAt = now();
    this.events.record(pod, 'Normal', 'Started', `Started container ${container.name}`, 'kubelet', field);
    state.state = { running: { startedAt } };
    this.logOf(pod, container.name).running = true;
    this.report(pod, all);
    for (const line of behaviour.logs ?? []) this.append(pod, container.name, line);
    if (behaviour.crash) {
      const { exitCode } = behaviour.crash;
      this.later(pod, behaviour.crash.afterMs ?? 10, () => {
        this.stopLog(pod, container.name);
        state.lastState = { terminated: { exitCode, reason: 'Error', startedAt, finishedAt: now() } };
        state.state = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off 10s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          },
        };
        state.restartCount += 1;
        this.report(pod, all);
        this.events.record(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          'kubelet',
          field,
        );
      });
    } else if (behaviour.unready) {
      const message = behaviour.unready.probeMessage;
      this.later(pod, 10, () => this.events.record(pod, 'Warning', 'Unhealthy', `Readiness probe failed: ${message}`, 'kubelet', field));
    } else {
      this.later(pod, behaviour.readyAfterMs ?? 0, () => {
        state.ready = true;
        this.report(pod, all);
      });
    }
  }

  private logOf(pod: KubeObject, container: string): ContainerLog {
    const uid = pod.metadata.uid!;
    let containers = this.logs.get(uid);
    if (!containers) this.logs.set(uid, (containers = new Map<string, ContainerLog>()));
    let log = containers.get(container);
    if (!log) containers.set(container, (log = { lines: [], followers: new Set(), running: false }));
    return log;
  }

  private append(pod: KubeObject, container: string, line: string): void {
    const log = this.logOf(pod, container);
    if (!log.running) return;
    log.lines.push(line);
    for (const follower of log.followers) follower.write(`${line}\n`);
  }

  /** The container ended: a follow of its log ends with it. */
  private stopLog(pod: KubeObject, container: string): void {
    const log = this.logOf(pod, container);
    log.running = false;
    for (const follower of log.followers) follower.end();
    log.followers.clear();
  }

  /** GET .../pods/{name}/log: the container's lines so far, then (follow=true) each new one until it stops. */
  streamLogs(namespace: string, name: string, query: URLSearchParams, response: ServerResponse): void {
    const pod = this.registry.store.get('pods', namespace, name);
    if (!pod) throw notFound({ plural: 'pods', group: '', kind: 'Pod' }, name);
    const names = this.containers(pod).map((c) => String(c['name']));
    const container = query.get('container') || (names.length === 1 ? names[0]! : undefined);
    if (!container) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
    const log = this.logs.get(pod.metadata.uid!)?.get(container);
    if (!log) {
      const statuses =
        ((pod['status'] as Json | undefined)?.['containerStatuses'] as { name: string; state?: { waiting?: { reason?: string } } }[] | undefined) ?? [];
      const reason = statuses.find((s) => s.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
      throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
    }
    const tail = Number(query.get('tailLines') ?? NaN);
    const lines = Number.isInteger(tail) && tail >= 0 ? log.lines.slice(Math.max(0, log.lines.length - tail)) : log.lines;
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    for (const line of lines) response.write(`${line}\n`);
    if (query.get('follow') !== 'true' || !log.running) {
      response.end();
      return;
    }
    log.followers.add(response);
    response.on('close', () => log.followers.delete(response));
  }
}
