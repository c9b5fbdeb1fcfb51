/**
 * Range tasks: the typed-array loops the JS thread pool (js-pool.ts) shares between threads. They
 * live in a table exported by a module file; pool workers load that file, so every thread runs
 * the same compiled code, and callers name a task by its key, with arguments typed from it.
 */

/** Processes items [begin, end) of a job; `thread` is 0 on the caller, k on worker k. */
export type RangeTask<Args> = (heap: ArrayBufferLike, args: Args, begin: number, end: number, thread: number) => void;

/** Range tasks by id. */
export type RangeTaskTable = { readonly [id: string]: RangeTask<never> };

/**
 * A table of range tasks and the file of the module that exports it as `rangeTasks` (that
 * module's `__filename`: .js in the build, .ts under tsx); workers require the file to get it.
 */
export interface RangeTaskModule<T extends RangeTaskTable> {
  readonly file: string;
  readonly rangeTasks: T;
}

/** The ids of a table's tasks. */
export type RangeTaskId<T extends RangeTaskTable> = keyof T & string;

/** The arguments task `K` of table `T` takes. */
export type RangeTaskArgs<T extends RangeTaskTable, K extends keyof T> = T[K] extends RangeTask<infer A> ? A : never;
