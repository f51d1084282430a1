import type {ReconcileAction} from '../cli/fanout-watch.js';
import {renderWatchLine} from '../ui/render-fanout.js';

export type LogFormat = 'json' | 'text';

export interface ControllerLog {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** One line per action of a pass. */
  action(action: ReconcileAction): void;
}

/** One line per event on stderr: JSON objects (ts, level, msg, fields) or the text lines of `fanout --watch`. */
export function createControllerLog(format: LogFormat, write: (line: string) => void, now: () => Date = () => new Date()): ControllerLog {
  const line = (level: 'info' | 'error', message: string, fields: Record<string, unknown> = {}) =>
    write(
      format === 'json'
        ? JSON.stringify({ts: now().toISOString(), level, msg: message, ...fields})
        : `${now().toISOString()} ${level === 'error' && !message.startsWith('error:') ? 'error: ' : ''}${message}`,
    );
  return {
    info: (message, fields) => line('info', message, fields),
    error: (message, fields) => line('error', message, fields),
    action: ({plan, entry, outcome, message}) => {
      if (format === 'text') {
        write(renderWatchLine(plan, {...entry, outcome, message}, now()));
        return;
      }
      const failed = outcome === 'failed';
      write(
        JSON.stringify({
          ts: now().toISOString(),
          level: failed ? 'error' : 'info',
          msg: failed ? `failed to ${entry.action}` : entry.action,
          source: `${plan.source.kind === 'Secret' ? 'secret' : 'configmap'}/${plan.source.name}`,
          sourceNamespace: plan.source.namespace,
          sourceContext: plan.source.context,
          context: entry.context,
          namespace: entry.namespace,
          action: entry.action,
          outcome: outcome ?? 'planned',
          ...(entry.changes?.length ? {changes: entry.changes} : {}),
          ...(message ? {message} : {}),
        }),
      );
    },
  };
}
