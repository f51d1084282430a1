import {summarizeUndo, type UndoResult} from '../../src/core/undo-plan.js';

type UndoAction = UndoResult['objects'][number]['action'];

/** An undo of one ConfigMap per action in beta/prod (or `where`), restored or, in a dry run, would-restore. */
export function undoResult(
  dryRun: UndoResult['dryRun'],
  actions: UndoAction[],
  where: {context: string; namespace: string; runId?: string; name?: (n: number) => string} = {context: 'beta', namespace: 'prod'},
): UndoResult {
  const objects = actions.map((action, n) => ({
    context: where.context,
    namespace: where.namespace,
    kind: 'ConfigMap' as const,
    name: where.name?.(n) ?? `cm-${n}`,
    action,
    outcome: dryRun === 'none' ? ('restored' as const) : ('would-restore' as const),
  }));
  return {
    apiVersion: 'configsync.kubectl.dev/v1alpha1',
    kind: 'UndoResult',
    runId: where.runId ?? 'r1',
    dryRun,
    summary: summarizeUndo(objects),
    objects,
  };
}
