/** Reading image files of written numbers with a saved model: `digit-lab read`. */
import { chooseTrainingBackend } from '../engine/choose';
import { decodeImageFile } from '../imaging/node';
import { loadModel } from '../model/persist';
import { withImageFile, type ImageFailure } from '../model/predict-files';
import { loadJudgeModel, readNumber } from './model';
import type { ReadResult } from './read';

/** One file's reading. */
export interface FileReading extends ReadResult {
  image: string;
}

/**
 * Loads the model in `modelDir` and reads each image file; a bad file comes back as an
 * ImageFailure in its place (the same errors as `digit-lab predict`) and the others are still read.
 */
export async function readImageFiles(modelDir: string, files: string[], backend?: string): Promise<(FileReading | ImageFailure)[]> {
  await chooseTrainingBackend(backend);
  const { model } = await loadModel(modelDir);
  const judgeModel = await loadJudgeModel();
  try {
    const out: (FileReading | ImageFailure)[] = [];
    for (const file of files) {
      out.push(await withImageFile(file, async () => ({ image: file, ...(await readNumber(await decodeImageFile(file), model, { judgeModel })) })));
    }
    return out;
  } finally {
    model.dispose();
    judgeModel.dispose();
  }
}

