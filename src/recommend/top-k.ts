/**
 * Positions (0 .. count-1) of the `k` highest scores, best first; ties go to the lower id so results never depend on
 * the order candidates were met. A bounded min-heap: O(n log k), which matters when every product is scored against
 * thousands of others.
 *
 * @example
 * selectTopK([4, 7, 9], [0.2, 0.9, 0.5], 3, 2); // [1, 2]: ids 7 and 9
 */
export function selectTopK(ids: ArrayLike<number>, scores: ArrayLike<number>, count: number, k: number): number[] {
  if (k <= 0) return [];
  const heapIds: number[] = [];
  const heapScores: number[] = [];
  const heapPositions: number[] = [];
  // "a is worse than b": lower score, or the same score and a higher id.
  const isWorse = (scoreA: number, idA: number, scoreB: number, idB: number) => scoreA < scoreB || (scoreA === scoreB && idA > idB);
  const swap = (i: number, j: number) => {
    const id = heapIds[i]!; heapIds[i] = heapIds[j]!; heapIds[j] = id;
    const score = heapScores[i]!; heapScores[i] = heapScores[j]!; heapScores[j] = score;
    const position = heapPositions[i]!; heapPositions[i] = heapPositions[j]!; heapPositions[j] = position;
  };
  for (let index = 0; index < count; index++) {
    const id = ids[index]!;
    const score = scores[index]!;
    if (heapIds.length < k) {
      heapIds.push(id); heapScores.push(score); heapPositions.push(index);
      let child = heapIds.length - 1;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!isWorse(heapScores[child]!, heapIds[child]!, heapScores[parent]!, heapIds[parent]!)) break;
        swap(child, parent); child = parent;
      }
    } else if (isWorse(heapScores[0]!, heapIds[0]!, score, id)) {
      heapIds[0] = id; heapScores[0] = score; heapPositions[0] = index;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let worst = parent;
        if (left < k && isWorse(heapScores[left]!, heapIds[left]!, heapScores[worst]!, heapIds[worst]!)) worst = left;
        if (right < k && isWorse(heapScores[right]!, heapIds[right]!, heapScores[worst]!, heapIds[worst]!)) worst = right;
        if (worst === parent) break;
        swap(parent, worst); parent = worst;
      }
    }
  }
  const order = heapIds.map((_, index) => index);
  order.sort((a, b) => heapScores[b]! - heapScores[a]! || heapIds[a]! - heapIds[b]!);
  return order.map((index) => heapPositions[index]!);
}
