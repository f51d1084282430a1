/** Sent on every request, so audit logs (and our tests) can tell our calls apart. */
export const USER_AGENT = 'kubectl-configsync/0.1.0';
