/**
 * Work started now and awaited later, while other reads run: its failure counts as handled until then (Node ends the
 * process on a rejection nobody handles), and still reaches whoever awaits the promise returned.
 */
export function startedEarly<T>(work: Promise<T>): Promise<T> {
  work.catch(() => {});
  return work;
}
