/** nbformat 4 types: the shape of a `.ipynb` file, shared by the executor and the HTML export. */

/** Multiline strings may be stored as one string or as a list of lines (each keeping its '\n'). */
export type MultilineString = string | string[];

/** A MIME bundle: MIME type -> data (text types as MultilineString, JSON types as JSON values). */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: 'code';
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown> & { tags?: string[] };
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell {
  cell_type: 'markdown';
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown> & { tags?: string[] };
  attachments?: Record<string, MimeBundle>;
}

export interface RawCell {
  cell_type: 'raw';
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown> & { tags?: string[] };
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown> & {
    kernelspec?: { name: string; display_name: string; language?: string };
    language_info?: { name: string; [key: string]: unknown };
  };
  cells: Cell[];
}

/** Joins a MultilineString into one string. */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join('') : source;
}

/** Splits text into nbformat's list-of-lines form (each line keeps its newline). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/(?<=\n)/);
  return lines;
}
