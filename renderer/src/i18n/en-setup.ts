// English messages of first launch and the batch setup (the ways in, the key check, the form's
// folded parts, the start bar's reasons, files added during setup, a batch waiting for its
// mode), merged into the reference catalog (en.ts); zh-CN-setup.ts carries every key of it.
export const enSetup = {
  'start.getStarted': 'Two ways to start',
  'start.tryFreeTitle': 'Try it free',
  'start.tryFreeText':
    'Simulated mode: the built-in simulator stands in for RunComfy. No key, no cost; each video is a short pan over its own image, so you can see how batches, review and re-runs work. Turn it off any time.',
  'start.tryFree': 'Try it free (simulated)',
  'start.simulatedOn': 'Simulated mode is on: nothing is sent to RunComfy and nothing is paid.',
  'start.useKeyTitle': 'Use your RunComfy key',
  'start.useKeyText':
    'Videos are made and paid on your RunComfy account. The key is checked with RunComfy at once and stored encrypted; this window never sees it again.',
  'start.pasteKey': 'Paste your key…',
  'start.useRealKey': 'Use your RunComfy key…',
  'start.simulatedNote': 'Simulated: short pans over your images, nothing is sent to RunComfy or paid.',

  'key.label': 'RunComfy API key',
  'key.placeholder': 'Paste the key from your RunComfy account',
  'key.check': 'Check and save',
  'key.checking': 'Checking with RunComfy…',
  'key.hint': 'Checked with RunComfy before it is saved (one free request; nothing is generated).',
  'key.hintReplace':
    'A key ending in {last4} is saved; a key pasted here replaces it once RunComfy accepts it.',
  'key.saved': 'RunComfy accepted the key ending in {last4}. It is saved; new batches are real videos.',
  'key.refused':
    'RunComfy did not accept this key, so it was not saved. Copy it again from your RunComfy account page.',
  'key.unconfirmed':
    'The key could not be checked with RunComfy (see below), so it was not saved. Try again, or save it unchecked.',
  'key.saveAnyway': 'Save it unchecked',

  'scan.looking': 'Looking for images in what you dropped…',
  'scan.endSuffixShow': 'Pair end frames by another file-name ending',

  'setup.sectionVideo': 'Video',
  'setup.sectionOutput': 'Output',
  'setup.sectionSpending': 'Spending',
  'setup.noOutputDir': 'no folder chosen',
  'setup.summarySeconds': '{seconds} s',
  'setup.summaryAudio': 'with audio',
  'setup.summaryNoAudio': 'no audio',
  'setup.summaryTakes': '{count} {count, plural, one {take} other {takes}}',
  'setup.summaryCap': 'cap {cap}',
  'setup.summaryParallel': '{count} at once',
  'setup.summaryFit': 'fit: {mode}',

  'coverage.gap':
    '{name} has a value for {have} of {images} {images, plural, one {image} other {images}}: the other {others} would not be sent.',
  'coverage.defaulted':
    '{name} has a value for {have} of {images} {images, plural, one {image} other {images}}; the other {others} get your default.',
  'coverage.addDefault': 'Give the others a default',
  'coverage.addDefaultNamed': 'Give the others a default: {name}',

  'carried.title': 'Carried over from your last batch:',
  'carried.useUsual': 'Use the usual settings',
  'carried.guidance': 'guidance {value}',
  'carried.negative': 'a negative prompt',
  'carried.names': 'file names {template}',
  'carried.outputDir': 'videos to {dir}',
  'carried.loop': 'loop',
  'carried.noSidecars': 'no .json beside the videos',
  'carried.modelInputs': 'the model’s own settings',
  'carried.elements': 'reference elements',
  'carried.shots': 'multi-shot',

  'start.buttonWaiting': 'Start',
  'start.shortcut': 'Or press {keys} from anywhere on this screen.',
  'start.addFiles': 'Add files…',
  'start.whyNoKey':
    'Nothing could be sent: no RunComfy key is set and simulated mode is off. Try it free, or paste your key.',
  'start.whyProblems': 'Not yet: {problem}',
  'start.whyUpdating': 'Updating the preview for these settings…',
  'start.whyAllGenerated':
    'Nothing to send: {count} {count, plural, one {video was} other {videos were}} already generated (or are on their way) with these settings. Make them again if you want new takes of them.',
  'start.whyNoneSendable':
    'None of the {count} {count, plural, one {image} other {images}} can be sent: the preview says why for each.',
  'start.whyNoImages': 'There is nothing to send: no usable image was found.',
  'start.showField': 'Show the first',
  'start.makeAgain': 'Make them again',
  'start.capWarning':
    'The {cap} cap pauses this batch after about {after} of {total} {total, plural, one {video} other {videos}} (est. {estimate}).',
  'start.raiseCap': 'Raise the cap to {cap}',
  'start.startOverTitle': 'Start over?',
  'start.startOverMessage':
    'The {count} {count, plural, one {image} other {images}} and the settings of this batch are put away; nothing has been sent yet.',

  'drop.choiceTitle': 'Add {count} dropped {count, plural, one {item} other {items}}?',
  'drop.choiceMessage':
    'This batch has {count} {count, plural, one {image} other {images}}. Add the dropped files to them, or replace them with the dropped files? Either way your settings stay.',
  'drop.add': 'Add to this batch',
  'drop.replace': 'Replace the images',

  'errors.noKey':
    'The batch was not made: no RunComfy key is set and simulated mode is off, so nothing of it could be sent. Try it free, or paste your key.',
  'errors.watchNeedsFolder':
    'The batch was not made: “Keep watching” needs a dropped folder to watch, and only files were dropped. Drop the folder itself, or turn watching off.',
  'errors.previewChanged':
    'The batch was not made: it would now send {count} {count, plural, one {video} other {videos}} for about {cost}, not what the preview showed. Check the preview and start again.',

  'modePause.no_key.title': 'Waiting for a RunComfy key',
  'modePause.real_batch_simulated_mode.title': 'Waiting for simulated mode to be off',
  'modePause.simulated_batch_real_mode.title': 'A simulated batch, and a key in use now',
  'modePause.addKey': 'Add your key…',
  'modePause.simulatedOff': 'Turn simulated mode off',
  'modePause.simulatedOn': 'Turn simulated mode back on',
  'modePause.makeReal': 'Make these videos for real…',
};
