/** A coordination.k8s.io/v1 Lease as leader election reads and writes it. Times are RFC 3339 with microseconds. */
export interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  /** The version read: updates are conditioned on it, so two candidates never both win. */
  resourceVersion?: string;
}

/** Where the Lease lives (src/kube/lease.ts over the API; a map in unit tests). */
export interface LeaseStore {
  /** "lease NAMESPACE/NAME in context …", for log lines. */
  readonly description: string;
  get(): Promise<LeaseRecord | undefined>;
  /** Fails with status 409 when someone else created it first. */
  create(record: LeaseRecord): Promise<LeaseRecord>;
  /** Fails with status 409 when the Lease moved since `record.resourceVersion`. */
  update(record: LeaseRecord): Promise<LeaseRecord>;
}

export interface LeaderElectionTiming {
  /** How long a standby waits after it last saw the Lease renewed before taking it over (client-go: 15 s). */
  leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it stops leading (client-go: 10 s). */
  renewDeadlineMs: number;
  /** How often candidates try to acquire and the leader renews (client-go: 2 s). */
  retryPeriodMs: number;
}

/** client-go's defaults (k8s.io/client-go/tools/leaderelection, as controller-runtime uses them). */
export const DEFAULT_TIMING: LeaderElectionTiming = {leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000};

/** client-go's JitterFactor: standbys spread their attempts over 1–1.2 retry periods. */
const JITTER = 1.2;

/** The ordering client-go requires, so a leader stops writing before a standby may take over. */
export function validateTiming(timing: LeaderElectionTiming): string | undefined {
  if (timing.retryPeriodMs <= 0) return 'the retry period must be positive';
  if (timing.renewDeadlineMs <= timing.retryPeriodMs * JITTER) return `the renew deadline must be longer than ${JITTER} × the retry period`;
  if (timing.leaseDurationMs <= timing.renewDeadlineMs) return 'the lease duration must be longer than the renew deadline';
  return undefined;
}

export interface LeaderElectorOptions extends LeaderElectionTiming {
  identity: string;
  onStartedLeading: () => void;
  /** Leadership was lost (renew deadline passed) or is being released (stopping): no more writes; the Lease is released once this resolves. */
  onStoppedLeading: () => void | Promise<void>;
  /** Status lines: acquired, lost, errors talking to the API server. */
  log: (text: string) => void;
  now?: () => number;
  sleep?: (ms: number, stop: Promise<void>) => Promise<void>;
  random?: () => number;
}

/**
 * Leader election on a Lease, as client-go does it: candidates try every retry period; a
 * Lease held by another is taken over only when its record has not changed for its lease
 * duration as measured on this candidate's own clock (so clock skew between replicas does
 * not matter); the leader renews every retry period and stops leading when it could not
 * renew for the renew deadline, which is shorter than the lease duration, so it stops
 * writing before anyone may take over. Every write is conditioned on the resourceVersion
 * read, so two candidates never both win. On stop, the leader releases the Lease (empty
 * holder), so a standby takes over at its next attempt instead of after the lease duration.
 */
export class LeaderElector {
  private leading = false;
  private lastRenewAt = 0;
  private observed?: LeaseRecord;
  private observedAt = 0;
  private lastError?: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number, stop: Promise<void>) => Promise<void>;
  private readonly random: () => number;
  /** The last time the API server answered, for /readyz. */
  lastContactAt?: number;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaderElectorOptions,
  ) {
    this.now = options.now ?? (() => Date.now());
    this.random = options.random ?? Math.random;
    this.sleep =
      options.sleep ??
      ((ms, stop) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          void stop.then(() => {
            clearTimeout(timer);
            resolve();
          });
        }));
  }

  /** True while this replica holds the Lease and renewed it within the renew deadline: writes are checked against it. */
  isLeader(): boolean {
    return this.leading && this.now() - this.lastRenewAt < this.options.renewDeadlineMs;
  }

  /** Who holds the Lease, as last read. */
  get holder(): string | undefined {
    return this.observed?.holderIdentity || undefined;
  }

  /** Campaigns, leads, and campaigns again after losing the Lease, until `stop` resolves; then releases the Lease if held. */
  async run(stop: Promise<void>): Promise<void> {
    let stopped = false;
    void stop.then(() => (stopped = true));
    while (!stopped) {
      if (!(await this.tryAcquireOrRenew())) {
        await this.sleep(this.options.retryPeriodMs * (1 + this.random() * (JITTER - 1)), stop);
        continue;
      }
      this.leading = true;
      this.lastRenewAt = this.now();
      this.options.log(`acquired ${this.store.description} as ${this.options.identity}`);
      this.options.onStartedLeading();
      while (!stopped) {
        await this.sleep(this.options.retryPeriodMs, stop);
        if (stopped) break;
        if (await this.tryAcquireOrRenew()) this.lastRenewAt = this.now();
        else if (this.now() - this.lastRenewAt >= this.options.renewDeadlineMs) {
          this.leading = false;
          this.options.log(
            `lost ${this.store.description}: not renewed within the renew deadline${this.lastError ? ` (${this.lastError})` : ''}`,
          );
          await this.options.onStoppedLeading();
          break;
        }
      }
    }
    if (this.leading) {
      this.leading = false;
      // Writes in flight finish before the Lease is given up, so two leaders never write at once.
      await this.options.onStoppedLeading();
      await this.release();
    }
  }

  /** One attempt: create the Lease, renew our hold, or take over one that expired or was released. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const me = this.options.identity;
    const desired = (old?: LeaseRecord): LeaseRecord => ({
      holderIdentity: me,
      leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
      acquireTime: old?.holderIdentity === me && old.acquireTime ? old.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: old ? (old.holderIdentity === me ? (old.leaseTransitions ?? 0) : (old.leaseTransitions ?? 0) + 1) : 0,
    });
    let current: LeaseRecord | undefined;
    try {
      current = await this.store.get();
      this.lastContactAt = this.now();
      if (!current) {
        this.remember(await this.store.create(desired()), now);
        return true;
      }
      if (!sameRecord(current, this.observed)) this.remember(current, now);
      const holder = current.holderIdentity ?? '';
      const durationMs = (current.leaseDurationSeconds ?? 0) * 1000;
      if (holder !== '' && holder !== me && this.observedAt + durationMs > now) return false;
      this.remember(await this.store.update({...desired(current), resourceVersion: current.resourceVersion}), now);
      this.lastError = undefined;
      return true;
    } catch (error) {
      this.lastError = (error as Error).message;
      // 409: another candidate wrote first; that is an election lost, not an error worth a line.
      if ((error as {status?: number}).status !== 409) this.options.log(`error: ${this.store.description}: ${this.lastError}`);
      return false;
    }
  }

  /** Gives the Lease up (empty holder, 1 s duration, as client-go's ReleaseOnCancel), so a standby need not wait it out. */
  async release(): Promise<boolean> {
    try {
      const current = await this.store.get();
      if (!current || current.holderIdentity !== this.options.identity) return false;
      const now = microTime(this.now());
      await this.store.update({
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: current.leaseTransitions ?? 0,
        resourceVersion: current.resourceVersion,
      });
      this.options.log(`released ${this.store.description}`);
      return true;
    } catch (error) {
      this.options.log(`error: could not release ${this.store.description}: ${(error as Error).message}`);
      return false;
    }
  }

  private remember(record: LeaseRecord, at: number): void {
    this.observed = record;
    this.observedAt = at;
  }
}

function sameRecord(a: LeaseRecord, b: LeaseRecord | undefined): boolean {
  return (
    b !== undefined &&
    a.holderIdentity === b.holderIdentity &&
    a.renewTime === b.renewTime &&
    a.acquireTime === b.acquireTime &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.leaseTransitions === b.leaseTransitions
  );
}

/** metav1.MicroTime's wire format: RFC 3339 with exactly six fractional digits (the API server refuses three). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
