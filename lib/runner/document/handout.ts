/**
 * The student copy of a teaching notebook: every output cleared, and every cell tagged `solution`
 * replaced by an empty exercise cell, so the handout shows the tasks but not their answers.
 */
import type { Cell, Notebook } from './nbformat';

/** The tag that marks a cell as the answer to an exercise. */
export const SOLUTION_TAG = 'solution';
/** What a solution cell holds in the handout. */
export const HANDOUT_PLACEHOLDER = '// your code here';

/** A handout and what changed in it. */
export interface Handout {
  notebook: Notebook;
  /** Solution cells replaced by the placeholder. */
  solutions: number;
  /** Code cells whose outputs or execution count were cleared. */
  cleared: number;
}

const isSolution = (cell: Cell) => (cell.metadata.tags ?? []).includes(SOLUTION_TAG);

/** The student copy of `nb` (which is left as it is): ids, tags and metadata kept. */
export function handoutNotebook(nb: Notebook): Handout {
  let solutions = 0;
  let cleared = 0;
  const cells = nb.cells.map((cell): Cell => {
    if (isSolution(cell)) {
      solutions++;
      // Whatever kind the answer was (code, or a markdown explanation), the student gets code to write.
      return { cell_type: 'code', ...(cell.id ? { id: cell.id } : {}), metadata: structuredClone(cell.metadata), execution_count: null, outputs: [], source: HANDOUT_PLACEHOLDER };
    }
    if (cell.cell_type !== 'code') return structuredClone(cell);
    if (cell.outputs.length > 0 || cell.execution_count !== null) cleared++;
    return { ...structuredClone(cell), execution_count: null, outputs: [] };
  });
  return { notebook: { ...structuredClone(nb), cells }, solutions, cleared };
}
