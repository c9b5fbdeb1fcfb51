/** Reading whole numbers: lines of writing -> digits -> text. The pure part runs in the browser too. */
export type { DigitClassifier, ReadDigit, ReadLine, ReadOptions, ReadResult } from './read';
export type { PieceJudge } from './judge';
export { readText } from './read';
export { readNumber, modelClassifier, modelJudge, loadJudgeModel } from './model';
