/** Where the signals come from; the process, or an emitter in tests. */
export interface SignalSource {
  on(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface Stoppable<T> {
  value: T;
  /** The first SIGTERM/SIGINT received while the batch ran. */
  signal?: NodeJS.Signals;
}

/**
 * Runs a write batch so that SIGTERM/SIGINT do not kill it mid-write: the
 * batch polls `stopRequested` before each write, finishes the ones in flight,
 * starts no more and reports the rest as not attempted. Node's default would
 * exit at once, leaving no report of what was written.
 */
export async function runStoppable<T>(
  inFlight: 'write' | 'writes',
  note: (text: string) => void,
  batch: (stopRequested: () => boolean) => Promise<T>,
  source: SignalSource = process,
): Promise<Stoppable<T>> {
  let signal: NodeJS.Signals | undefined;
  const onSignal = (received: NodeJS.Signals) => {
    if (!signal) note(`${received}: finishing the ${inFlight} in flight, then stopping`);
    signal = received;
  };
  source.on('SIGTERM', onSignal);
  source.on('SIGINT', onSignal);
  try {
    const value = await batch(() => signal !== undefined);
    return signal ? {value, signal} : {value};
  } finally {
    source.off('SIGTERM', onSignal);
    source.off('SIGINT', onSignal);
  }
}
