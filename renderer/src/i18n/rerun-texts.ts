// The re-run's texts (which images, what changed, what it costs) and the retries', English and
// Simplified Chinese side by side; en.ts and zh-CN.ts take them in, so the Messages type still
// makes every language carry every key.
export const rerunEn = {
  'rerun.button': 'Re-run with changes…',
  'rerun.dialogTitle': 'Re-run “{name}” with changes',
  'rerun.which': 'Which images',
  'rerun.all': 'All {count} {count, plural, one {item} other {items}}',
  'rerun.failed': 'Only the failed ones ({count})',
  'rerun.rejected': 'Only the videos you rejected (as new takes)',
  'rerun.selected': 'Only the {count} selected',
  'rerun.hint':
    'A new batch starts from this one’s settings. Change the prompt or settings, then check what changed and what it costs before you start. Videos already generated with the same request are skipped.',
  'rerun.continue': 'Continue',
  'rerun.nothing': 'There are no such items in this batch.',
  'rerun.missing':
    '{count} {count, plural, one {image is} other {images are}} no longer where this batch found them (moved, renamed or deleted):',
  'rerun.missingMore': '… and {count} more.',
  'rerun.rescan': 'Rescan a folder…',
  'rerun.withoutMissing': 'Continue with the {count} found',
  'rerun.title': 'Re-run of “{name}”',
  'rerun.images': '{count} {count, plural, one {image} other {images}} from that batch.',
  'rerun.prompt': 'Prompt',
  'rerun.was': 'was',
  'rerun.now': 'now',
  'rerun.unchanged': 'unchanged: {value}',
  'rerun.none': '(none)',
  'rerun.on': 'on',
  'rerun.off': 'off',
  'rerun.cost':
    'This re-run sends {count} {count, plural, one {video} other {videos}} for about {cost}; {skipped} already generated or on their way {skipped, plural, one {is} other {are}} skipped.',
  'rerun.costUnknown':
    'This re-run sends {count} {count, plural, one {video} other {videos}}; the model’s price is unknown.',
  'rerun.field.model': 'Model',
  'rerun.field.duration': 'Duration (s)',
  'rerun.field.negative': 'Negative prompt',
  'rerun.field.audio': 'Audio',
  'rerun.field.cfg': 'Guidance',
  'rerun.field.takes': 'Takes per image',
  'rerun.field.loop': 'Loop',
  'rerun.field.outputDir': 'Output folder',
  'rerun.field.outputName': 'Output name',
  'rerun.field.budget': 'Budget cap',
  'rerun.field.modelInputs': 'Model fields',
  'retryFailed.button': 'Retry all failed…',
  'retryFailed.title': 'Retry the failed items?',
  'retryFailed.nothing': 'Nothing failed any more: there is nothing to retry.',
  'retryFailed.cost':
    'Retry {count} failed {count, plural, one {item} other {items}}? Each is a new paid generation: up to {cost} in all (less if a video only needs downloading again).',
  'retryFailed.passesCap':
    'That passes this batch’s cap of {cap} ({committed} spent or on its way): the batch pauses when the cap is reached. Raise the cap to run them all.',
  'retryFailed.passesDailyCap':
    'That passes the daily cap of {cap} across all batches ({spent} spent today): the batch pauses when it is reached and continues tomorrow, or when the cap is raised in Settings.',
  'retryFailed.confirm': 'Retry {count}',
  'retrySelected.button': 'Retry selected…',
  'retrySelected.title': 'Retry the selected items?',
  'retrySelected.cost':
    'Retry {count} selected {count, plural, one {item} other {items}}? Each is a new paid generation: up to {cost} in all (less if a video only needs downloading again).',
  'retrySelected.nothing':
    'None of the selected items can be retried: only failed, expired or cancelled items can.',
  'retrySelected.notRetryable':
    '{count} selected are not retried because they are not failed ({files}). To make a finished video again, use “Re-run with changes”.',
  'retryFailed.done': 'Retrying {count} {count, plural, one {item} other {items}}.',
  'rerun.kept': 'Only the videos you kept, e.g. to finish them on another model',
};

export const rerunZh: Record<keyof typeof rerunEn, string> = {
  'rerun.button': '修改后重新运行…',
  'rerun.dialogTitle': '修改后重新运行“{name}”',
  'rerun.which': '哪些图片',
  'rerun.all': '全部 {count} 项',
  'rerun.failed': '仅失败的项（{count}）',
  'rerun.rejected': '仅你拒绝的视频（作为新版本）',
  'rerun.selected': '仅选中的 {count} 项',
  'rerun.hint':
    '新批次以此批次的设置开始。修改提示词或设置，开始前查看改了什么以及费用。已用相同请求生成过的视频会被跳过。',
  'rerun.continue': '继续',
  'rerun.nothing': '此批次中没有这样的项。',
  'rerun.missing': '有 {count} 张图片已不在此批次找到它们的位置（已移动、重命名或删除）：',
  'rerun.missingMore': '……还有 {count} 张。',
  'rerun.rescan': '重新扫描文件夹…',
  'rerun.withoutMissing': '用找到的 {count} 张继续',
  'rerun.title': '重新运行“{name}”',
  'rerun.images': '来自该批次的 {count} 张图片。',
  'rerun.prompt': '提示词',
  'rerun.was': '原为',
  'rerun.now': '现为',
  'rerun.unchanged': '未改变：{value}',
  'rerun.none': '（无）',
  'rerun.on': '开',
  'rerun.off': '关',
  'rerun.cost': '此次重新运行将发送 {count} 个视频，约 {cost}；跳过 {skipped} 个已生成或正在生成的。',
  'rerun.costUnknown': '此次重新运行将发送 {count} 个视频；该模型价格未知。',
  'rerun.field.model': '模型',
  'rerun.field.duration': '时长（秒）',
  'rerun.field.negative': '反向提示词',
  'rerun.field.audio': '音频',
  'rerun.field.cfg': '引导强度',
  'rerun.field.takes': '每张图片的版本数',
  'rerun.field.loop': '循环',
  'rerun.field.outputDir': '输出文件夹',
  'rerun.field.outputName': '输出名称',
  'rerun.field.budget': '预算上限',
  'rerun.field.modelInputs': '模型字段',
  'retryFailed.button': '重试所有失败项…',
  'retryFailed.title': '重试失败的项目？',
  'retryFailed.nothing': '已经没有失败的项目，无需重试。',
  'retryFailed.cost':
    '重试 {count} 个失败的项目？每个都是一次新的付费生成：合计最多 {cost}（若视频只需重新下载则更少）。',
  'retryFailed.passesCap':
    '这会超过本批次 {cap} 的预算上限（已花费或正在进行 {committed}）：达到上限时批次会暂停。如需全部运行，请提高上限。',
  'retryFailed.passesDailyCap':
    '这会超过所有批次共用的每日上限 {cap}（今天已花费 {spent}）：达到上限时批次会暂停，明天或在设置中提高上限后继续。',
  'retryFailed.confirm': '重试 {count} 个',
  'retrySelected.button': '重试所选…',
  'retrySelected.title': '重试所选项目？',
  'retrySelected.cost':
    '重试所选的 {count} 个项目？每个都是一次新的付费生成：合计最多 {cost}（若视频只需重新下载则更少）。',
  'retrySelected.nothing': '所选项目都无法重试：只有失败、过期或已取消的项目可以重试。',
  'retrySelected.notRetryable':
    '所选中有 {count} 个不是失败项目，不会重试（{files}）。如需重新生成已完成的视频，请使用“修改后重新运行”。',
  'retryFailed.done': '正在重试 {count} 个项目。',
  'rerun.kept': '只重新运行你保留的视频，例如用其他模型完成它们',
};
