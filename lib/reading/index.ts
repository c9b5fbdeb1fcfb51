/** Reading whole numbers: lines of writing -> digits -> text. The pure part runs in the browser too. */
export type { DigitClassifier, ReadDigit, ReadLine, ReadOptions, ReadResult } from './read';
export { readText } from './read';
export { readNumber, modelClassifier } from './model';
