import {EventEmitter} from 'node:events';
import {describe, expect, it} from 'vitest';
import {runStoppable} from '../../src/actions/stop-signal.js';

describe('runStoppable', () => {
  it('lets the batch see the first signal, notes it once, and reports which one arrived', async () => {
    const source = new EventEmitter();
    const notes: string[] = [];
    const seen: boolean[] = [];
    const outcome = await runStoppable(
      'write',
      (t) => notes.push(t),
      async (stopRequested) => {
        seen.push(stopRequested());
        source.emit('SIGTERM', 'SIGTERM');
        source.emit('SIGINT', 'SIGINT');
        seen.push(stopRequested());
        return 'done';
      },
      source,
    );
    expect(outcome).toEqual({value: 'done', signal: 'SIGINT'});
    expect(seen).toEqual([false, true]);
    expect(notes).toEqual(['SIGTERM: finishing the write in flight, then stopping']);
  });

  it('removes its listeners afterwards, also when the batch throws', async () => {
    const source = new EventEmitter();
    await expect(
      runStoppable(
        'writes',
        () => undefined,
        async () => {
          expect(source.listenerCount('SIGTERM')).toBe(1);
          throw new Error('boom');
        },
        source,
      ),
    ).rejects.toThrow('boom');
    expect(source.listenerCount('SIGTERM') + source.listenerCount('SIGINT')).toBe(0);
    expect(
      await runStoppable(
        'writes',
        () => undefined,
        async () => 1,
        source,
      ),
    ).toEqual({value: 1});
  });
});
