/**
 * One refusal as the components and the stack config word it: what is wrong with the value and the fix.
 * A refusal shared by several of them is a constant (or function) beside its rule, so it has one wording.
 */
export interface Refusal {
  readonly problem: string;
  readonly fix: string;
}
