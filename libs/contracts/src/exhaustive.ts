/**
 * The end of every switch over a closed union: the compiler refuses the call while a case is
 * missing, and should a value the types did not foresee arrive at run time, it fails loudly.
 */
export function exhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
