import {PROGRAM_NAME, VERSION} from '../version.js';

/** Sent on every request, so audit logs (and our tests) can tell our calls apart. */
export const USER_AGENT = `${PROGRAM_NAME}/${VERSION}`;
