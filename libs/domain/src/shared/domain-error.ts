/**
 * What kind of refusal an error is; the edge maps each kind to one transport code.
 * BAD_INPUT: the caller must change the request. NOT_FOUND: an id does not exist (for them).
 * CONFLICT: the request is valid but the current state forbids it. FORBIDDEN: not allowed for
 * this actor. LIMIT: a rate or budget is used up; try again later.
 */
export type DomainErrorKind = 'BAD_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'LIMIT';

/** A rule violation: a stable code (`ENROLLMENT.ALREADY_COMPLETED`) and a message that says what to do. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
