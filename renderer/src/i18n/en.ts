// English messages: the reference catalog. Every other language must have every key (see
// `Messages`). `{name}` placeholders are filled by t(key, vars).
import { rerunEn } from './rerun-texts';
import { settingsEn } from './settings-texts';
import { reviewEn } from './review-texts';
import { itemsEn } from './items-texts';
import { historyEn } from './history-texts';
import { batchEn } from './batch-texts';
import { enQueue } from './en-queue';
import { enSetup } from './en-setup';

export const en = {
  ...enSetup,
  ...enQueue,
  'app.name': 'Stillmotion',
  'app.simulated': 'Simulated',
  'app.simulatedHint':
    'Simulated mode: nothing is sent to RunComfy and nothing is paid. Each video is a short pan over its own image.',

  'nav.label': 'Screens',
  'nav.new': 'New batch',
  'nav.history': 'Batches',
  'nav.settings': 'Settings',

  'common.loading': 'Loading…',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.delete': 'Delete',
  'common.dismiss': 'Dismiss',
  'common.save': 'Save',
  'common.next': 'Next',
  'common.previous': 'Previous',
  'common.on': 'on',
  'common.off': 'off',

  'time.h': 'h',
  'time.min': 'min',
  'time.lessThanMinute': '< 1 min',

  'drop.title': 'Drop folders or images anywhere',
  'drop.hint':
    'JPEG, PNG, WebP, BMP, TIFF or GIF (TIFF and GIF are sent as JPEG). Folders are searched, sub-folders included.',
  'drop.choose': 'Choose folders or images…',
  'drop.release': 'Release to add these files',

  'scan.scanning': 'Checking your images…',
  'scan.progress': '{checked} of {found} {found, plural, one {file} other {files}} checked',
  'scan.summaryTitle': 'What was found',
  'setup.screenTitle': 'New batch',
  'scan.found': 'Found',
  'scan.accepted': 'Ready',
  'scan.fixed': 'Will be resized',
  'scan.rejected': 'Cannot be used',
  'scan.alreadyGenerated': 'Generated or on their way',
  'scan.endFrames': 'End frames paired',
  'scan.showEndFrames':
    'Show the {count} start and end frame pairs (paired by name: shot.end.jpg, shot_end.jpg, end/shot.jpg)',
  'scan.showRejected': 'Show which files cannot be used ({count}), and why',

  'setup.title': 'Settings for this batch',
  'setup.presets': 'Presets',
  'setup.applyPreset': 'Apply a preset…',
  'setup.noPresets': 'No presets yet',
  'setup.savePreset': 'Save as preset',
  'setup.presetName': 'Preset name',
  'setup.presetSaved': 'Preset "{name}" saved.',
  'setup.presetDeleted': 'Preset "{name}" deleted.',
  'setup.managePresets': 'Manage presets',
  'setup.deletePresetNamed': 'Delete: preset {name}',
  'setup.model': 'Model',
  'setup.pricePerSecond': '{price} per second',
  'setup.pricePerVideo': '{price} per {seconds} s video',
  'setup.prompt': 'Prompt template',
  'setup.negative': 'Negative prompt (what to avoid)',
  'setup.duration': 'Duration',
  'setup.secondsUnit': 's',
  'setup.cfg': 'Guidance (cfg)',
  'setup.cfgHint': '0 = free, 1 = follow the prompt closely',
  'setup.concurrency': 'Parallel generations',
  'setup.concurrencyHint': 'Videos generating at once',
  'setup.budget': 'Budget cap',
  'setup.noBudget': 'No cap',
  'setup.audio': 'Generate audio (costs more)',
  'setup.outputDir': 'Output folder',
  'setup.outputDirPlaceholder': 'Where the videos are saved',
  'setup.choose': 'Choose…',
  'setup.outputName': 'File names',
  'setup.sidecars': 'Save a .json beside each video',
  'setup.sidecarsHint':
    'Model, prompt, request, request id, cost and times, named like the video (e.g. shot-1.json). Never your API key.',
  'setup.force': 'Generate again the images that were already generated with these settings',
  'setup.errDuration': 'Duration must be a whole number of seconds from {min} to {max}.',
  'setup.errCfg': 'Guidance must be a number from 0 to 1.',
  'setup.takes': 'Takes per image',
  'setup.takesHint': 'Several videos of each image, to pick the best; cost and time × takes',
  'setup.errTakes': 'Takes per image must be a whole number from 1 to 10.',
  'setup.loop': 'Loop: each video ends on its start image',
  'setup.loopHint': 'Where an image has no end frame of its own (shot.end.jpg), it is its own end frame',
  'setup.noEndFrame':
    '{model} has no end-frame field: end frames (shot.end.jpg) and loop need a model that has one, e.g. {models}.',
  'fit.title': 'Images outside the model’s shape or size',
  'fit.crop': 'Crop',
  'fit.cropHint':
    'Cut the middle to the nearest shape {model} accepts, and enlarge images that are too small. Nothing is added to the picture.',
  'fit.pad': 'Pad',
  'fit.padHint':
    'Keep the whole picture and fill the bars with a blurred copy of it, and enlarge images that are too small. The model may animate the bars.',
  'fit.refuse': 'Refuse',
  'fit.refuseHint': 'Send only images that already fit; the others are not sent and the preview says why.',
  'fit.original': 'Original',
  'fit.originalSize': 'Original {width}×{height}',
  'fit.sentCrop': 'Sent: cropped {width}×{height}',
  'fit.sentPad': 'Sent: padded {width}×{height}',
  'fit.sentUpscaled': 'Sent: enlarged {width}×{height}',
  'fit.upscaled': 'Upscaled: may look soft',
  'fit.upscaledHint':
    'This image is smaller than {model} needs and is enlarged before sending; a larger original gives a sharper video.',
  'elements.title': 'Reference elements',
  'elements.hint':
    'A subject the video keeps the same (a person, a product): a frontal image plus reference images. Name it in the prompt as @Element1, @Element2…',
  'elements.limit':
    'Up to {max} {max, plural, one {element} other {elements}}, each with up to {refs} reference {refs, plural, one {image} other {images}}.',
  'elements.unavailable':
    '{model} has no reference-elements field, so it cannot take @Element images. Models that can: {models}.',
  'elements.unavailableNone':
    '{model} has no reference-elements field, so it cannot take @Element images; no model in the catalog has one.',
  'elements.element': '@Element{n}',
  'elements.frontal': 'Frontal image',
  'elements.references': 'Reference images',
  'elements.noReferences': 'No reference images',
  'elements.add': 'Add an element…',
  'elements.addRefs': 'Add reference images…',
  'elements.replaceFrontal': 'Replace frontal image…',
  'elements.remove': 'Remove @Element{n}',
  'elements.removeRef': 'Remove reference image {name} of @Element{n}',
  'elements.insert': 'Insert @Element{n} into the prompt',
  'elements.drop': 'Drop images here: the first is the frontal image, the others its references',
  'elements.dropOn': 'Drop images on an element to add reference images to it.',
  'elements.checking': 'Checking…',
  'elements.size': '{width}×{height}',
  'elements.bad': '{name}: {reason}',
  'elements.full': '{model} takes at most {max} {max, plural, one {element} other {elements}}.',
  'elements.tooManyRefs':
    'Only {refs} reference {refs, plural, one {image fits} other {images fit}} @Element{n} on {model}; {dropped} not added: {names}.',
  'elements.errDangling':
    '{where} uses {refs}, but only {defined} defined. Add an element below or change the reference.',
  'elements.errDanglingNone':
    '{where} uses {refs}, but no elements are defined. Add an element below or remove the reference.',
  'elements.definedOne': '@Element1 is',
  'elements.definedMany': '@Element1 to @Element{count} are',
  'elements.errUnavailable':
    '{model} cannot take reference elements; remove them or choose a model that can.',
  'elements.used': 'Uses {list}',
  'scan.endSuffix': 'Another end-frame ending',
  'scan.endSuffixHint':
    'shot.end.jpg, shot_end.jpg and end/shot.jpg always pair with shot.jpg. Add another ending, e.g. -last for shot-last.jpg, and pair again.',
  'scan.endSuffixApply': 'Pair again',
  'scan.endSuffixUsed': 'Also paired by the ending “{suffix}”.',
  'scan.errSuffixPath':
    'The end-frame ending “{value}” contains / or \\: it is the end of a file name before its extension (e.g. -last for shot-last.jpg), not a folder or path.',
  'scan.errSuffixLong': 'The end-frame ending is {length} characters; at most 50.',
  'scan.fixedHint':
    'Images over the size limit, or outside the model’s shape or size, are resized when sent as the fit mode says; your files are not changed.',
  'shots.title': 'Shots',
  'shots.enable': 'Multi-shot: tell the video in shots',
  'shots.hint': 'Each shot has its own prompt and length; a multi-shot video has no end frame',
  'shots.prompt': 'Shot {n} prompt',
  'shots.length': 'Shot {n} length',
  'shots.remove': 'Remove shot {n}',
  'shots.add': 'Add a shot',
  'shots.sum': 'Shots add up to {sum} s of the video’s {duration} s',
  'shots.errSum':
    'The shots add up to {sum} s but the video is {duration} s: make them add up to {duration} s, or set the duration to {sum} s.',
  'shots.errShotLength': 'Each shot lasts a whole number of seconds from 3 to 15.',
  'shots.errEmpty': 'Every shot needs a prompt.',
  'shots.errLoop':
    'Shots and loop cannot be combined: a multi-shot video has no end frame. Turn loop off or clear the shots.',
  'setup.errConcurrency': 'Parallel generations must be a whole number from 1 to 20.',
  'setup.errBudget': 'The budget cap must be more than $0, or empty for no cap.',
  'setup.errOutputDir': 'Choose the folder the videos are saved to.',
  'setup.errNameEmpty': 'The file name template cannot be empty, e.g. {name}.mp4',
  'setup.errNameTemplate': 'Fix the file name template (see above).',
  'setup.errTemplate': 'Fix the prompt template.',
  'setup.errNegative': 'The negative prompt is longer than 2500 characters.',

  'template.insertVariable': 'Insert a variable',
  'template.insertNamed': '{name}: insert into {field}',
  'template.unclosed':
    'Unclosed brace at character {column}: add "\'}\'" after the variable name, or write "\'{{\'" for a literal brace.',
  'template.unopened':
    'A "\'}\'" at character {column} closes nothing: remove it, or write "\'}}\'" for a literal brace.',
  'template.empty': 'Empty braces at character {column}: put a variable name inside, e.g. {name}.',
  'template.unknown': 'Unknown variable "{name}" at character {column}: use one of the variables below.',

  'preview.title': 'Preview: what will be sent',
  'preview.pager': 'Preview pages',
  'preview.pageOf': 'Page {page} of {pages}',
  'preview.settingsLine': '{duration} s · audio {audio} · guidance {cfg}',
  'preview.willReject': 'Will not be sent: {why}',
  'preview.shot': 'Shot {n} ({seconds} s):',
  'preview.take': 'take {take}',
  'preview.willSkip': 'Skipped: {why}',

  'start.summary': 'Batch summary',
  'start.toSend': 'Videos',
  'start.notSent': 'Not sent',
  'start.estCost': 'Estimated cost',
  'start.estTime': 'Estimated time',
  'start.budget': 'Budget cap',
  'start.fixErrors': 'Fix the marked fields to start.',
  'start.button': 'Start {count} {count, plural, one {video} other {videos}} — est. {cost}',
  'start.clear': 'Start over',

  'state.queued': 'Waiting',
  'state.submitting': 'Sending',
  'state.in_queue': 'In queue',
  'state.in_progress': 'Generating',
  'state.downloading': 'Downloading',
  'state.done': 'Done',
  'state.failed': 'Failed',
  'state.cancelled': 'Cancelled',
  'state.expired': 'Expired',
  'state.unknown_submit': 'Unconfirmed',
  'state.rejected': 'Not usable',
  'state.skipped': 'Already generated',

  'filter.all': 'All',
  'filter.queued': 'Waiting',
  'filter.active': 'Generating',
  'filter.done': 'Done',
  'filter.problems': 'Need attention',
  'filter.cancelled': 'Cancelled',
  'filter.notSent': 'Not sent',

  'cancelOutcome.cancelled': '{name} cancelled.',
  'cancelOutcome.cancel_requested': 'Cancelling {name}: RunComfy confirms shortly.',
  'cancelOutcome.running_cannot_stop':
    '{name} is already generating: it cannot be stopped, will be billed and downloaded.',
  'cancelOutcome.already_finished': '{name} had already finished.',

  'errors.batchHeldHere':
    'This batch is being run by {who} on this computer (pid {pid}). Stop it there or wait.',
  'errors.batchHeldRemote':
    'This batch is being run by {who} on {host}. Stop it there, or wait: if it stopped abruptly, this computer can take over in {seconds} s.',
  'errors.holder.cli': 'the command line',
  'errors.holder.app': 'another Stillmotion window',
  'errors.holder.other': 'another program',
  'errors.batchCancelled':
    'Batch "{name}" was cancelled, so it cannot be started again. Retry single items to run them again.',
  'errors.itemNotRetryable':
    '{file} cannot be retried: it is {state}. Only failed, expired or cancelled items can be retried.',
  'errors.itemNotResubmittable':
    '{file} cannot be resubmitted: it is {state}. Only an item whose submit answer was lost can be resubmitted; use Retry for failed items.',
  'errors.batchNotFound': 'This batch no longer exists (id {batchId}). Reload the list.',
  'errors.itemNotFound':
    'This item no longer exists (id {itemId}). Reload the batch to see its current items.',
  'setup.errDurationChoice': 'Duration must be one of {values} seconds for this model.',
  'models.priceUnknown': 'price unknown',
  'models.pricePerVideoFlat': '{price} per video',
  'models.partlyKnown': 'partly known',
  'models.partlyKnownHint':
    "Some of this model's fields, limits or its price are not confirmed by RunComfy's pages.",
  'models.yourEntry': 'your entry',
  'models.noDurationField':
    "This model's duration field is not known, so the duration is not sent (the model's own default applies).",
  'models.fieldsOf': '{model} options',
  'models.modelDefault': "Model's default",
  'models.defaultIs': 'Default: {value}',
  'models.errNumber': '{field} must be {range}.',
  'models.rangeFromTo': 'a number from {min} to {max}',
  'models.wholeNumber': 'a whole number',
  'models.aNumber': 'a number',
  'models.title': 'Models',
  'models.add': 'Add a model…',
  'models.addTitle': 'Add a model',
  'models.addIntro':
    "Paste the model id from the model's API page on RunComfy (the part after /v1/models/ in its curl example). Nothing is paid to add a model.",
  'models.id': 'Model id',
  'models.schema': 'Input schema (optional, JSON)',
  'models.schemaHint': "The page's input schema, if you have it: fields, types and limits then come from it.",
  'models.startField': 'Field that carries the start image',
  'models.startFieldHint':
    'We could not tell which field takes the start image; pick or type it (e.g. image_url).',
  'models.promptField': 'Field that carries the prompt',
  'models.added': 'Model "{name}" added.',
  'models.save': 'Save model',
  'models.problemsTitle':
    'These entry files in the models folder could not be used (the other models loaded). Fix them and restart the app:',
  'models.problemLine': 'line {line}',
  'models.problemField': 'field {field}',
  'models.costUnknownShort': 'unknown',
  'models.schemaNotJson': 'The schema is not valid JSON: {message}',
  'models.sectionHint':
    'Add a RunComfy model the app does not list yet, or correct one: its entry is saved in the models folder of the data folder.',
  'models.search': 'Search models',
  'models.searchPlaceholder': 'Name, family or id',
  'models.noMatch': 'No model matches “{search}”.',
  'models.recent': 'Recently used',
  'models.groupOf': '{family}',
  'models.sourceRunComfy': 'Models from RunComfy’s catalog, fetched {time}.',
  'models.sourceCache': 'Offline: RunComfy’s catalog as cached on {time}.',
  'models.sourceShipped': 'The models built into Stillmotion.',
  'models.sourceWhy': 'Why: {why}',
  'models.refresh': 'Refresh',
  'models.refreshing': 'Refreshing…',
  'models.factsRunComfy': 'Fields and price from RunComfy’s catalog, fetched {time}.',
  'models.factsShipped': 'Fields and price from the entry built into Stillmotion.',
  'models.factsUser': 'Fields and price from your own entry (models folder).',
  'models.ceilingLabel': 'Count each video as at most',
  'models.ceilingHint':
    'RunComfy has not told us the price of {model}. Under a budget or the daily cap, its videos are only sent if you accept a price per video: each then counts as this much against them. Leave it empty to run without a cap.',
  'models.ceilingError': 'Enter an amount above 0 US dollars, or leave it empty.',
  'models.addSearchLabel': 'Search RunComfy’s models',
  'models.addSearchHint':
    'Every model RunComfy lists, in any category; its image-to-video models are already in the picker.',
  'models.addPick': 'Add',
  'models.addPickLabel': 'Add {model}',
  'models.addInList': 'in the list',
  'models.addNoResults': 'RunComfy lists no model matching “{search}”.',
  'models.addSearching': 'Searching…',
  'models.addNotListed': 'Not listed by RunComfy? Add it by its id and input schema',
  'setup.costCeiling': 'at most {total} ({price} per video, the price you accepted)',
  'balance.label': 'RunComfy balance',
  'balance.simulatedLabel': 'Simulated balance',
  'balance.unknown': 'unknown',
  'balance.unknownWhy': 'The balance could not be read: {why}',
  'balance.noKey': 'no key set',
  'balance.asOf': 'read at {time}',
  'balance.topUp': 'Top up',
  'balance.check': 'Check again',
  'balance.low':
    'Your RunComfy balance ({balance}) is less than this batch’s estimate ({estimate}). The batch pauses when the balance runs out and continues by itself once you top up.',
  'balance.settingsTitle': 'RunComfy balance',
  'balance.settingsHint':
    'One balance funds every RunComfy product. A batch paused for lack of balance is checked every 5 minutes and continues by itself after a top-up.',

  'errors.itemNotReviewable':
    '{file} cannot be kept or rejected: it is {state}. Only a finished video can be reviewed.',
  ...batchEn,
  ...historyEn,
  ...itemsEn,
  ...reviewEn,
  ...settingsEn,
  ...rerunEn,
};

export type MessageKey = keyof typeof en;
/** What every language must provide: exactly the English keys. */
export type Messages = Record<MessageKey, string>;
