// 首次启动与批次设置的简体中文文案（en-setup.ts 的每个键都在这里），并入 zh-CN.ts。
import type { enSetup } from './en-setup';

export const zhCNSetup: Record<keyof typeof enSetup, string> = {
  'start.getStarted': '两种开始方式',
  'start.tryFreeTitle': '免费试用',
  'start.tryFreeText':
    '模拟模式：由内置模拟器代替 RunComfy。无需密钥，不收费；每个视频都是对其图片的一段短推镜，可以先看看批次、审阅和重新生成如何运作。随时可以关闭。',
  'start.tryFree': '免费试用（模拟模式）',
  'start.simulatedOn': '已开启模拟模式：不会发送到 RunComfy，也不会产生费用。',
  'start.useKeyTitle': '使用你的 RunComfy 密钥',
  'start.useKeyText':
    '视频在你的 RunComfy 账户上生成并计费。密钥会立即向 RunComfy 核验，并加密保存；此窗口之后不会再看到它。',
  'start.pasteKey': '粘贴密钥…',
  'start.useRealKey': '使用你的 RunComfy 密钥…',
  'start.simulatedNote': '模拟模式：对你的图片生成短推镜，不会发送到 RunComfy，也不收费。',

  'key.label': 'RunComfy API 密钥',
  'key.placeholder': '粘贴 RunComfy 账户中的密钥',
  'key.check': '核验并保存',
  'key.checking': '正在向 RunComfy 核验…',
  'key.hint': '保存前先向 RunComfy 核验（一次免费请求，不会生成任何内容）。',
  'key.hintReplace': '已保存尾号为 {last4} 的密钥；在此粘贴的新密钥经 RunComfy 接受后会替换它。',
  'key.saved': 'RunComfy 已接受尾号为 {last4} 的密钥并已保存；新批次将生成真实视频。',
  'key.refused': 'RunComfy 未接受此密钥，因此没有保存。请从 RunComfy 账户页面重新复制。',
  'key.unconfirmed': '无法向 RunComfy 核验此密钥（见下文），因此没有保存。请重试，或不经核验直接保存。',
  'key.saveAnyway': '不经核验直接保存',

  'scan.looking': '正在查找你拖入内容中的图片…',
  'scan.endSuffixShow': '按其他文件名结尾配对结束帧',

  'setup.sectionVideo': '视频',
  'setup.sectionOutput': '输出',
  'setup.sectionSpending': '费用',
  'setup.noOutputDir': '未选择文件夹',
  'setup.summarySeconds': '{seconds} 秒',
  'setup.summaryAudio': '含音频',
  'setup.summaryNoAudio': '无音频',
  'setup.summaryTakes': '{count} 个版本',
  'setup.summaryCap': '上限 {cap}',
  'setup.summaryParallel': '同时 {count} 个',
  'setup.summaryFit': '适配：{mode}',

  'coverage.gap': '{name} 只在 {images} 张图片中的 {have} 张有值：其余 {others} 张不会发送。',
  'coverage.defaulted': '{name} 只在 {images} 张图片中的 {have} 张有值；其余 {others} 张使用你设定的默认值。',
  'coverage.addDefault': '为其余图片设定默认值',
  'coverage.addDefaultNamed': '为其余图片设定默认值：{name}',

  'carried.title': '沿用自上一个批次：',
  'carried.useUsual': '改用常规设置',
  'carried.guidance': '引导 {value}',
  'carried.negative': '反向提示词',
  'carried.names': '文件名 {template}',
  'carried.outputDir': '视频保存到 {dir}',
  'carried.loop': '循环',
  'carried.noSidecars': '视频旁不保存 .json',
  'carried.modelInputs': '模型自身的设置',
  'carried.elements': '参考元素',
  'carried.shots': '多镜头',

  'start.buttonWaiting': '开始',
  'start.shortcut': '也可在本页面任意位置按 {keys}。',
  'start.addFiles': '添加文件…',
  'start.whyNoKey':
    '无法发送任何内容：尚未设置 RunComfy 密钥，且模拟模式已关闭。可以免费试用，或粘贴你的密钥。',
  'start.whyProblems': '暂时不能开始：{problem}',
  'start.whyUpdating': '正在按这些设置更新预览…',
  'start.whyAllGenerated':
    '没有要发送的内容：已有 {count} 个视频以这些设置生成（或正在生成）。如需这些图片的新版本，请重新生成。',
  'start.whyNoneSendable': '{count} 张图片都无法发送：预览中写明了每张的原因。',
  'start.whyNoImages': '没有要发送的内容：没有找到可用的图片。',
  'start.showField': '转到第一个',
  'start.makeAgain': '重新生成',
  'start.capWarning': '{cap} 的上限会在约 {after} / {total} 个视频后暂停此批次（预计 {estimate}）。',
  'start.raiseCap': '将上限提高到 {cap}',
  'start.startOverTitle': '重新开始？',
  'start.startOverMessage': '此批次的 {count} 张图片和设置将被放弃；目前还没有发送任何内容。',

  'drop.choiceTitle': '添加拖入的 {count} 项？',
  'drop.choiceMessage':
    '此批次已有 {count} 张图片。要把拖入的文件添加进来，还是用它们替换现有图片？两种方式都会保留你的设置。',
  'drop.add': '添加到此批次',
  'drop.replace': '替换图片',

  'errors.noKey':
    '批次未创建：尚未设置 RunComfy 密钥，且模拟模式已关闭，因此无法发送任何内容。可以免费试用，或粘贴你的密钥。',
  'errors.watchNeedsFolder':
    '批次未创建：“继续监视”需要拖入一个文件夹，而这次只拖入了文件。请拖入文件夹本身，或关闭监视。',
  'errors.previewChanged':
    '批次未创建：现在它会发送 {count} 个视频，约 {cost}，与预览所示不同。请查看预览后重新开始。',

  'modePause.no_key.title': '正在等待 RunComfy 密钥',
  'modePause.real_batch_simulated_mode.title': '正在等待关闭模拟模式',
  'modePause.simulated_batch_real_mode.title': '这是模拟批次，而现在使用的是密钥',
  'modePause.addKey': '添加密钥…',
  'modePause.simulatedOff': '关闭模拟模式',
  'modePause.simulatedOn': '重新开启模拟模式',
  'modePause.makeReal': '将这些视频真实生成…',
};
