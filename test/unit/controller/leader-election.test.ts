import {describe, expect, it} from 'vitest';
import {
  DEFAULT_TIMING,
  LeaderElector,
  microTime,
  validateTiming,
  type LeaseRecord,
  type LeaseStore,
} from '../../../src/controller/leader-election.js';

/** One Lease shared by candidates, with the API server's optimistic concurrency (409 on a stale resourceVersion). */
class MemoryLease implements LeaseStore {
  readonly description = 'lease ns/test';
  record?: LeaseRecord;
  private version = 0;
  writes = 0;

  async get() {
    return this.record && {...this.record};
  }

  async create(record: LeaseRecord) {
    if (this.record) throw Object.assign(new Error('exists'), {status: 409});
    return this.store(record);
  }

  async update(record: LeaseRecord) {
    if (!this.record || record.resourceVersion !== this.record.resourceVersion) throw Object.assign(new Error('conflict'), {status: 409});
    return this.store(record);
  }

  private store(record: LeaseRecord) {
    this.writes++;
    this.record = {...record, resourceVersion: String(++this.version)};
    return {...this.record};
  }
}

const timing = {leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000};

function candidate(store: LeaseStore, identity: string, clock: {now: number}) {
  const events: string[] = [];
  const elector = new LeaderElector(store, {
    ...timing,
    identity,
    now: () => clock.now,
    log: () => undefined,
    onStartedLeading: () => void events.push('started'),
    onStoppedLeading: () => void events.push('stopped'),
  });
  return {elector, events};
}

describe('leader election', () => {
  it("defaults to client-go's timing and refuses timings where a leader could write after a standby took over", () => {
    expect(DEFAULT_TIMING).toEqual({leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000});
    expect(validateTiming(DEFAULT_TIMING)).toBeUndefined();
    expect(validateTiming({leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000})).toMatch(/lease duration/);
    expect(validateTiming({leaseDurationMs: 15_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000})).toMatch(/renew deadline/);
  });

  it('writes MicroTime with six fractional digits', () => {
    expect(microTime(Date.parse('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678000Z');
  });

  it('gives the Lease to one candidate; the other takes it only after the lease duration without a renewal', async () => {
    const lease = new MemoryLease();
    const clock = {now: 1_000_000};
    const a = candidate(lease, 'a', clock);
    const b = candidate(lease, 'b', clock);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    expect(lease.record).toMatchObject({holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0});

    // a renews: b's clock restarts from the change it saw.
    clock.now += 10_000;
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    clock.now += 14_000;
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    // a died: 15 s after b last saw the record change, b takes over.
    clock.now += 1_000;
    expect(await b.elector.tryAcquireOrRenew()).toBe(true);
    expect(lease.record).toMatchObject({holderIdentity: 'b', leaseTransitions: 1});
    expect(await a.elector.tryAcquireOrRenew()).toBe(false);
  });

  it('lets a standby take a released Lease at once', async () => {
    const lease = new MemoryLease();
    const clock = {now: 1_000_000};
    const a = candidate(lease, 'a', clock);
    const b = candidate(lease, 'b', clock);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    expect(await a.elector.release()).toBe(true);
    expect(lease.record).toMatchObject({holderIdentity: '', leaseDurationSeconds: 1});
    expect(await b.elector.tryAcquireOrRenew()).toBe(true);
    expect(lease.record?.holderIdentity).toBe('b');
    // Releasing a Lease someone else holds does nothing.
    expect(await a.elector.release()).toBe(false);
    expect(lease.record?.holderIdentity).toBe('b');
  });

  it('never lets two candidates win the same record (the update is conditioned on the version read)', async () => {
    const lease = new MemoryLease();
    const clock = {now: 1_000_000};
    const results = await Promise.all(['a', 'b', 'c'].map((id) => candidate(lease, id, clock).elector.tryAcquireOrRenew()));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('stops leading when it cannot renew within the renew deadline, and is not leader meanwhile past it', async () => {
    const lease = new MemoryLease();
    const clock = {now: 1_000_000};
    let failing = false;
    const flaky: LeaseStore = {
      description: lease.description,
      get: () => (failing ? Promise.reject(new Error('connection refused')) : lease.get()),
      create: (r) => lease.create(r),
      update: (r) => lease.update(r),
    };
    const events: string[] = [];
    let stoppedAt = 0;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const elector = new LeaderElector(flaky, {
      ...timing,
      identity: 'a',
      now: () => clock.now,
      log: () => undefined,
      // Time passes only when the elector sleeps.
      sleep: async (ms) => {
        clock.now += ms;
        await Promise.resolve();
        if (events.length >= 2) stop();
      },
      random: () => 0,
      onStartedLeading: () => {
        events.push('started');
        failing = true;
      },
      onStoppedLeading: () => {
        events.push('stopped');
        stoppedAt = clock.now;
      },
    });
    await elector.run(stopped);
    expect(events.slice(0, 2)).toEqual(['started', 'stopped']);
    expect(elector.isLeader()).toBe(false);
    // Renewals were tried every retry period until the deadline: 10 s / 2 s.
    expect(stoppedAt - 1_000_000).toBe(10_000);
  });

  it('releases the Lease when stopped while leading, after the work in flight finished', async () => {
    const lease = new MemoryLease();
    const order: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const elector = new LeaderElector(lease, {
      ...timing,
      identity: 'a',
      log: () => undefined,
      onStartedLeading: () => {
        order.push('started');
        stop();
      },
      onStoppedLeading: async () => {
        await new Promise((r) => setTimeout(r, 20));
        order.push(`stopped, holder ${lease.record?.holderIdentity}`);
      },
    });
    await elector.run(stopped);
    expect(order).toEqual(['started', 'stopped, holder a']);
    expect(lease.record?.holderIdentity).toBe('');
  });
});
