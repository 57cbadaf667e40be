// Why an item failed or a batch paused, as a code plus parameters, rendered in the reader's
// language. Stored as codes (never as finished sentences) so a Simplified Chinese user reads
// Chinese reasons, the CLI and the CSV report read English unless given a locale, and a wording
// fix reaches rows written before it.
//
// Pure and dependency-free: main (engine, CLI, CSV report) and the renderer both import it, so
// each sentence exists once per language. A `satisfies` check makes every language carry every
// code. Parameters are filled into `{name}`; provider text (RunComfy's own error words) is a
// parameter and stays verbatim.

import { scanEn, scanZhCN } from './scan-reasons';

export const REASON_LANGUAGES = ['en', 'zh-CN'] as const;
export type ReasonLanguage = (typeof REASON_LANGUAGES)[number];

/** A parameter may itself be a reason (e.g. "the last failure" inside a pause), rendered alike. */
export type ReasonParam = string | number | null | Reason;
export type ReasonParams = Record<string, ReasonParam>;

/** A reason as stored (items.reason_json, batches.pause_detail_json) and sent to the renderer. */
export interface Reason {
  code: ReasonCode;
  params: ReasonParams;
}

const en = {
  // ---- items ----------------------------------------------------------------------------
  input_unreadable:
    'Could not prepare {file} for sending: {detail}. Fix or replace the file, then retry this item.',
  input_changed:
    '{file} changed after the batch was planned (its content is not what the preview showed). Nothing was sent. Scan the folder again to plan it with the new image.',
  unknown_submit:
    'Sent, but the answer was lost ({detail}); it may or may not have been paid. Resubmit if you accept it may be paid twice.',
  unknown_submit_crash:
    'Stillmotion stopped while sending this item; the answer was lost, so it may or may not have been paid. Resubmit if you accept it may be paid twice.',
  unknown_submit_other_process:
    'Another Stillmotion process ({holder}) was sending this item when it stopped answering and this one took the batch over; whether RunComfy received it is unknown, so it may or may not have been paid. If that process answers after all, this item continues by itself; otherwise resubmit if you accept it may be paid twice.',
  api_refused:
    'RunComfy refused this request: {provider}. Check this image and the batch settings, then retry.',
  no_output:
    'RunComfy reports request {requestId} as succeeded but gave no video URL, so there is nothing to download. It was probably billed; contact RunComfy support with the request id, or retry (a new paid attempt).',
  generation_failed: 'RunComfy could not generate this video: {provider}',
  request_expired:
    'RunComfy no longer knows request {requestId} (expired or deleted), so its result cannot be fetched. It may have been billed. Retry to generate it again (a new paid attempt).',
  other_account:
    'RunComfy says request {requestId} belongs to another account (403001): the API key was probably changed while it ran. Switch back to the key that submitted it, or retry with this key (a new paid attempt).',
  download_failed:
    'The video could not be downloaded after {attempts} tries ({detail}). It is paid for: Retry this item to try the download again (no new generation).',
  output_expired:
    'The video was generated (and billed) but its download link answered HTTP {status} for too long: it expired before it could be fetched. Retry to generate it again (a new paid attempt).',
  unsafe_output_url:
    'The video URL {url} is neither https nor on the API’s own address, so it was not fetched. It is paid for: check the API base URL setting, then retry this item (it downloads again, no new generation).',
  bad_output_path:
    'The output name {file} cannot be used as a file in {dir}: {detail}. Change the output name template, then retry this item (it downloads again, no new generation).',
  file_error:
    'Saving {file} failed: {detail}. It is paid for: fix the cause, then retry this item (it downloads again, no new generation).',
  cancelled_by_user: 'Cancelled by you.',
  // ---- batches (pauses) -----------------------------------------------------------------
  paused_by_user: 'Paused by you. In-flight videos still finish and download.',
  no_key:
    'No RunComfy API key is set, so nothing of this batch is sent. Add your key; the batch then continues with it.',
  key_refused:
    'RunComfy did not accept the API key ({provider}). Enter a valid key in Settings; the queue continues with it. Videos already being generated keep the key they were sent with until they are saved.',
  no_balance: 'The RunComfy account has no balance left ({provider}). Top up at runcomfy.com, then resume.',
  simulated_batch_real_mode:
    'This batch was made in simulated mode (no key, no cost). It is never sent to RunComfy with your key, because that would be paid: turn simulated mode back on to finish it free, or make these videos for real as a new batch, whose cost is shown before it starts.',
  real_batch_simulated_mode:
    'This batch is for real videos with your RunComfy key; simulated mode is on now, so none of it is sent to the simulator. Turn simulated mode off to finish it.',
  budget_reached:
    'Budget of ${cap} reached: ${committed} is spent or in flight and the next video needs about ${next}. {left} items (about ${leftUsd}) are left to run; raise the budget and resume to continue.',
  daily_cap_reached:
    'The daily spending cap of ${cap} is reached: ${spent} was spent today across all batches. Raise the cap in Settings or wait until tomorrow; the batch then continues.',
  price_unknown_daily_cap:
    'The price of {model} is unknown, so the daily spending cap of ${cap} cannot be kept: nothing more of this batch is sent. Remove the daily cap in Settings, or make the batch again with a price you accept per video (in the app: “Count each video as at most”; CLI: --max-per-video).',
  price_unknown_budget:
    'The price of {model} is unknown, so the budget of ${cap} cannot be kept: nothing more of this batch is sent. Remove the budget, or make the batch again with a price you accept per video (in the app: “Count each video as at most”; CLI: --max-per-video).',
  too_many_failures:
    '{count} items in a row did not succeed; the last one: {last} Look at the failed items’ reasons, fix the cause, then resume.',
  disk_full:
    'The disk holding {dir} is full ({detail}) while saving {file}. Free some space: downloads continue by themselves where they stopped, and nothing paid for is lost.',
  saving_delayed:
    'Saving videos is delayed: {detail}. Nothing has failed; it is tried again by itself until it works.',
  output_blocked:
    'A paid video cannot be saved as {file} in {dir}: {detail}. Fix the cause (permissions, a file or folder in the way); the video waits and is saved by itself once it can be.',
  output_unavailable:
    'Output folder not available: {dir} ({detail}). Reconnect the drive or share; downloads continue by themselves when it is back, and nothing paid for is lost.',
  network_down:
    'Waiting for the network: RunComfy or the video links cannot be reached ({detail}). Nothing has failed; the batch continues by itself when the connection is back.',
  waiting_for_window:
    'Waiting for its hours: this batch sends new videos only {when}; it starts again by itself at {opens}. Videos already sent finish and download meanwhile.',
  waiting_for_start:
    'Waiting for its start time: this batch begins sending at {opens}, by itself; nothing has been sent yet.',
  account_limit_lowered:
    'RunComfy refused a video because too many were running on the account (429), so Stillmotion sends at most {limit} at once across all batches until {until} instead of hammering it. Nothing has failed: the refused video waits its turn.',
  watching_folders:
    'Watching {folders} for new images: each one is sent when it is completely copied, with this batch’s settings. Stop watching to let the batch finish.',
  lease_lost: 'Another Stillmotion process took over this batch; it runs there now.',
  endpoint_key_missing:
    'This job was sent to {url} and runs there, but Stillmotion has no API key for that address now (the settings point elsewhere, or the key was removed). Nothing has failed: it waits, and continues as soon as the settings point at {url} with its key again.',
  sent_with_other_key:
    'This job was sent with another API key than the one set now, and RunComfy shows it only to that key’s account. Nothing has failed: it waits; set that key again to fetch the video, or cancel the item.',
  // ---- planning: why the preview will not send an item, and where in prompts.csv --------
  plan_duplicate_in_batch:
    'same image and request as {earlier} in this batch; it is generated once (use force to generate both)',
  plan_already_generated: 'already generated: {path}',
  plan_answer_lost:
    'already sent in batch {batch}, but its answer was lost: it may be paid already. Check your RunComfy requests; if it is not there, resubmit it from batch {batch} (its "Send again" button, or stillmotion resubmit {batch})',
  plan_already_queued:
    'already queued in batch {batch} (to {path}); it is generated once (use force to generate it again)',
  plan_being_generated:
    'already being generated in batch {batch} (to {path}); it is generated once (use force to generate it again)',
  plan_settings_problem: 'Not sent: the batch settings have a problem (see above)',
  plan_name_template_error: 'Not sent: the output name template has an error (see above)',
  plan_prompt_template_error: 'Not sent: the prompt template has an error (see above)',
  plan_empty_prompt: 'The prompt for {file} is empty after filling in the template; {model} needs a prompt',
  plan_prompt_too_long:
    'The prompt for {file} is {length} characters after filling in the template; {model} accepts at most {max}. Shorten the template{orCaption}{orCsv}',
  plan_or_caption_file: ' or the caption file',
  plan_or_csv_prompt: ' or the prompt in {file}, row {row}',
  plan_shots_with_end_frame:
    '{file} has an end frame{loop} and shots; a multi-shot video has no end frame (RunComfy refuses the two together): remove the shots or the end frame',
  plan_loop_mark: ' (loop)',
  plan_elements_with_url_prefix:
    '{file} has reference elements and the batch sends images by URL; elements are sent inline, so clear the URL prefix or remove the elements',
  plan_element_reference_unknown:
    '{source} for {file} uses {refs} but {defined}{where}; add the element or change the reference',
  plan_source_template: 'The prompt template',
  plan_source_csv_prompt: 'The prompt in {file}, row {row},',
  plan_source_shot: 'Shot {n}',
  plan_no_elements_defined: 'no elements are defined',
  plan_one_element_defined: 'only @Element1 is defined',
  plan_elements_defined: 'only @Element1 to @Element{count} are defined',
  plan_too_many_elements: '{count} elements for {file}; {model} takes at most {max}{where}',
  plan_too_many_element_references:
    '@Element{n} has {count} reference images; {model} takes at most {max} per element{where}',
  plan_end_image_column_unsupported:
    'end_image is not supported by {model} (it has no end-frame field); choose a model that has one ({models}) or clear the cell{where}',
  plan_end_image_unchecked: 'end_image "{value}" was not checked{where}; scan again',
  plan_end_frame_ignored:
    '{end} (the end frame of {file}, paired by its name) is not sent: {model} has no end-frame field, so the video starts on {file} alone. To end on it, choose a model that has one ({models})',
  plan_models_more: '{names} and {more} more',
  plan_end_image_required:
    '{model} needs an end image for every video and {file} has none; name one in the end_image column of prompts.csv, pair one by name (shot.end.jpg), turn on loop, or choose another model',
  plan_csv_bad_yes_no: '{column} must be yes or no (or true/false, 1/0), got "{value}" {at}',
  plan_csv_bad_number: '{column} must be a number from {min} to {max}, got "{value}" {at}',
  plan_csv_text_too_long: '{column} is {length} characters; {model} accepts at most {max} {at}',
  cell_path_outside:
    'The {column} cell "{value}"{where} {how}; Stillmotion opens only files inside the dropped folder {root}. Copy the image into that folder and write its path relative to prompts.csv (e.g. refs/owl.png)',
  path_how_absolute: 'is an absolute path',
  path_how_network: 'names a network location (\\\\host\\share), which is never opened',
  path_how_device: 'is a Windows device path (\\\\?\\ or \\\\.\\)',
  path_how_drive: 'names a drive (C:)',
  path_how_parent: 'climbs out of the folder with ".."',
  path_how_link: 'leads out of the folder through a symbolic link',
  plan_cell: '({file}, row {row}, column {column})',
  plan_where_cell: ' ({file}, row {row}, column {column})',
  // ---- planning: notes on an image sent fitted (fit.ts) ---------------------------------
  plan_fit_note: '{how} from {from} to {to}{shape}{upscale}',
  plan_fit_upscaled: 'upscaled',
  plan_fit_cropped: 'centre-cropped',
  plan_fit_padded: 'padded with a blurred fill',
  plan_fit_reshaped: ' ({ratio} is outside what {model} accepts; sent as {sent})',
  plan_fit_soft:
    '; upscaled (Lanczos) because {model} needs a larger image: the video may look soft, use a larger original if you have one',
  plan_outside_refused:
    '{what}. Fit mode is "refuse": choose crop or pad to have it fitted, or use another image',
  plan_outside_small: 'it is {size} px and {model} needs at least {min} px on the short side',
  plan_outside_ratio:
    'its aspect ratio {ratio} ({size}) is outside what {model} accepts (width/height from {min} to {max})',
  plan_outside_both: '{small}; {shape}',
  plan_too_small_to_enlarge:
    'too small: it is {size} px, and reaching the {min} px {model} needs on the short side would enlarge it {factor}x, into a blurred video that is paid for all the same. Use a larger version of the image (at least {floor} px on the short side; the app enlarges at most {most}x)',
  plan_csv_unsupported: '{model} has no {what} field; clear the cell or choose another model {at}',
  plan_field_duration: 'duration',
  plan_field_audio: 'audio',
  plan_field_guidance: 'CFG scale',
  plan_field_negative: 'negative prompt',
  plan_csv_bad_duration: 'Duration must be {allowed} for {model}, got "{value}" {at}',
  plan_seconds_one_of: '{values} seconds',
  plan_list_or: '{head} or {last}',
  plan_seconds_range: 'a whole number from {min} to {max} seconds',
  // ---- updates (the app's dialogs) ------------------------------------------------------
  update_ready:
    'Stillmotion {version} is ready to install. No batch is running now: restart to update? (Otherwise it installs when you quit.)',
  update_restart: 'Restart and update',
  update_later: 'Later',
  update_none: 'Stillmotion {version} is the latest version.',
  update_downloading:
    'Stillmotion {version} is downloading. It installs when no batch is running and you agree, or when you quit: an update never interrupts a batch.',
  update_downloaded:
    'Stillmotion {version} is downloaded. It installs when no batch is running and you agree, or when you quit.',
  update_check_failed:
    'Could not look for updates: {detail}. Check the network (or the proxy settings) and try again.',
  update_not_installed:
    'This Stillmotion runs from a source checkout, which does not update itself: pull the new version with git.',
  // ---- the scan (scan-reasons.ts) -----------------------------------------------------------
  ...scanEn,
} as const;

export type ReasonCode = keyof typeof en;

const zhCN = {
  input_unreadable: '无法准备 {file} 以便发送：{detail}。请修复或替换该文件，然后重试此项。',
  input_changed:
    '{file} 在批次规划之后被修改（内容与预览时不同）。未发送任何请求。请重新扫描文件夹，用新图片重新规划。',
  unknown_submit:
    '已发送，但回应丢失（{detail}）；可能已计费，也可能没有。如果你接受可能重复计费，请重新提交。',
  unknown_submit_crash:
    'Stillmotion 在发送此项时停止；回应丢失，可能已计费，也可能没有。如果你接受可能重复计费，请重新提交。',
  unknown_submit_other_process:
    '另一个 Stillmotion 进程（{holder}）在发送此项时停止响应，本进程接管了批次；无法确定 RunComfy 是否收到，因此可能已付费也可能没有。如果那个进程之后仍然返回结果，此项会自动继续；否则，如果你接受可能重复付费，请重新提交。',
  api_refused: 'RunComfy 拒绝了此请求：{provider}。请检查此图片和批次设置，然后重试。',
  no_output:
    'RunComfy 报告请求 {requestId} 已成功，但没有提供视频链接，因此没有可下载的内容。它很可能已计费；请凭请求 ID 联系 RunComfy 支持，或重试（新的付费生成）。',
  generation_failed: 'RunComfy 无法生成此视频：{provider}',
  request_expired:
    'RunComfy 已不再识别请求 {requestId}（已过期或已删除），无法获取其结果。它可能已计费。重试将重新生成（新的付费生成）。',
  other_account:
    'RunComfy 表示请求 {requestId} 属于另一个账户（403001）：运行期间 API 密钥可能被更换了。请换回提交它的密钥，或用当前密钥重试（新的付费生成）。',
  download_failed:
    '尝试 {attempts} 次后仍无法下载视频（{detail}）。此视频已付费：重试此项将再次下载（不会重新生成）。',
  output_expired:
    '视频已生成（并已计费），但其下载链接长时间返回 HTTP {status}：链接在下载前已过期。重试将重新生成（新的付费生成）。',
  unsafe_output_url:
    '视频链接 {url} 既不是 https，也不在 API 自身的地址上，因此未下载。此视频已付费：请检查 API 地址设置，然后重试此项（将再次下载，不会重新生成）。',
  bad_output_path:
    '输出名称 {file} 无法作为 {dir} 中的文件：{detail}。请修改输出名称模板，然后重试此项（将再次下载，不会重新生成）。',
  file_error: '保存 {file} 失败：{detail}。此视频已付费：排除问题后重试此项（将再次下载，不会重新生成）。',
  cancelled_by_user: '已由你取消。',
  paused_by_user: '已由你暂停。进行中的视频仍会完成并下载。',
  no_key: '尚未设置 RunComfy API 密钥，因此此批次不会发送任何内容。添加密钥后，批次会用它继续。',
  key_refused:
    'RunComfy 未接受此 API 密钥（{provider}）。请在设置中输入有效密钥；队列将用它继续。已在生成的视频会继续使用发送时的密钥，直到保存完毕。',
  no_balance: 'RunComfy 账户余额不足（{provider}）。请在 runcomfy.com 充值，然后继续。',
  simulated_batch_real_mode:
    '此批次是在模拟模式下创建的（无需密钥，不收费）。它绝不会用你的密钥发送到 RunComfy，因为那样会产生费用：请重新开启模拟模式免费完成它，或将这些视频作为新批次真实生成，开始前会先显示费用。',
  real_batch_simulated_mode:
    '此批次要用你的 RunComfy 密钥生成真实视频；现在开启了模拟模式，因此不会把它发送到模拟器。请关闭模拟模式来完成它。',
  budget_reached:
    '已达到 ${cap} 的预算：已花费或进行中的金额为 ${committed}，下一个视频约需 ${next}。还剩 {left} 项（约 ${leftUsd}）；提高预算并继续即可。',
  daily_cap_reached:
    '已达到每日支出上限 ${cap}：今天所有批次共花费 ${spent}。请在设置中提高上限或等到明天；批次随后会继续。',
  price_unknown_daily_cap:
    '{model} 的价格未知，因此无法遵守 ${cap} 的每日支出上限：此批次不再发送任何内容。请在设置中取消每日上限，或重新创建批次并填写你接受的每个视频的价格（应用中：“每个视频最多按此计”；命令行：--max-per-video）。',
  price_unknown_budget:
    '{model} 的价格未知，因此无法遵守 ${cap} 的预算：此批次不再发送任何内容。请取消预算，或重新创建批次并填写你接受的每个视频的价格（应用中：“每个视频最多按此计”；命令行：--max-per-video）。',
  too_many_failures: '连续 {count} 项未成功；最后一项：{last} 请查看失败项的原因，排除问题后继续。',
  disk_full:
    '保存 {file} 时，{dir} 所在的磁盘已满（{detail}）。请释放一些空间：下载会自动从中断处继续，已付费的内容不会丢失。',
  saving_delayed: '视频保存被延迟：{detail}。没有任何项失败；会自动重试，直到成功。',
  output_blocked:
    '已付费的视频无法以 {file} 保存到 {dir}：{detail}。请排除问题（权限、挡路的文件或文件夹）；视频会等待，一旦可以保存就会自动保存。',
  output_unavailable:
    '输出文件夹不可用：{dir}（{detail}）。请重新连接驱动器或共享；恢复后下载会自动继续，已付费的内容不会丢失。',
  network_down:
    '正在等待网络：无法连接 RunComfy 或视频链接（{detail}）。没有任何项失败；连接恢复后批次会自动继续。',
  waiting_for_window:
    '等待运行时段：此批次只在 {when} 发送新视频；将于 {opens} 自动继续。已发送的视频会照常完成并下载。',
  waiting_for_start: '等待开始时间：此批次将于 {opens} 自动开始发送；目前还没有发送任何内容。',
  account_limit_lowered:
    'RunComfy 因账户同时运行的视频过多而拒绝了一个视频（429），因此在 {until} 之前，Stillmotion 在所有批次中同时最多只发送 {limit} 个，而不是反复请求。没有任何项失败：被拒绝的视频会排队等候。',
  watching_folders:
    '正在监视 {folders} 中的新图片：每张图片完整复制后，会按此批次的设置发送。停止监视后批次即可结束。',
  lease_lost: '另一个 Stillmotion 进程接管了此批次；它现在在那里运行。',
  endpoint_key_missing:
    '此任务已发送到 {url} 并在那里运行，但 Stillmotion 现在没有该地址的 API 密钥（设置指向了别处，或密钥已被移除）。没有任何项失败：它会等待，一旦设置重新指向 {url} 并带有其密钥，就会继续。',
  sent_with_other_key:
    '此任务是用另一个 API 密钥发送的，RunComfy 只向该密钥的账户显示它。没有任何项失败：它会等待；重新设置那个密钥即可获取视频，或者取消此项。',
  plan_duplicate_in_batch: '与本批次中的 {earlier} 图片和请求相同；只生成一次（选择“重新生成”可两者都生成）',
  plan_already_generated: '已生成：{path}',
  plan_answer_lost:
    '已在批次 {batch} 中发送，但回应丢失：可能已经付费。请查看你的 RunComfy 请求记录；若其中没有，请在批次 {batch} 中重新提交（该项的“重新发送”按钮，或 stillmotion resubmit {batch}）',
  plan_already_queued: '已在批次 {batch} 中排队（输出到 {path}）；只生成一次（选择“重新生成”可再次生成）',
  plan_being_generated: '正在批次 {batch} 中生成（输出到 {path}）；只生成一次（选择“重新生成”可再次生成）',
  plan_settings_problem: '未发送：批次设置有问题（见上文）',
  plan_name_template_error: '未发送：输出文件名模板有错误（见上文）',
  plan_prompt_template_error: '未发送：提示词模板有错误（见上文）',
  plan_empty_prompt: '{file} 的提示词在填入模板后为空；{model} 需要提示词',
  plan_prompt_too_long:
    '{file} 的提示词在填入模板后有 {length} 个字符；{model} 最多接受 {max} 个。请缩短模板{orCaption}{orCsv}',
  plan_or_caption_file: '或说明文件',
  plan_or_csv_prompt: '或 {file} 第 {row} 行的提示词',
  plan_shots_with_end_frame:
    '{file} 有结束帧{loop}又有分镜；多分镜视频没有结束帧（RunComfy 拒绝两者同时出现）：请删除分镜或结束帧',
  plan_loop_mark: '（循环）',
  plan_elements_with_url_prefix:
    '{file} 有参考元素，而批次通过 URL 发送图片；元素是内嵌发送的，请清除 URL 前缀或删除这些元素',
  plan_element_reference_unknown:
    '{source}（{file}）使用了 {refs}，但{defined}{where}；请添加该元素或修改引用',
  plan_source_template: '提示词模板',
  plan_source_csv_prompt: '{file} 第 {row} 行的提示词',
  plan_source_shot: '第 {n} 个分镜',
  plan_no_elements_defined: '没有定义任何元素',
  plan_one_element_defined: '只定义了 @Element1',
  plan_elements_defined: '只定义了 @Element1 到 @Element{count}',
  plan_too_many_elements: '{file} 有 {count} 个元素；{model} 最多接受 {max} 个{where}',
  plan_too_many_element_references:
    '@Element{n} 有 {count} 张参考图；{model} 每个元素最多接受 {max} 张{where}',
  plan_end_image_column_unsupported:
    '{model} 不支持 end_image（它没有结束帧字段）；请选择有结束帧的模型（{models}）或清空该单元格{where}',
  plan_end_image_unchecked: 'end_image “{value}”未经检查{where}；请重新扫描',
  plan_end_frame_ignored:
    '{end}（按文件名与 {file} 配对的结束帧）不会发送：{model} 没有结束帧字段，因此视频只从 {file} 开始。若要以它结束，请选择有结束帧的模型（{models}）',
  plan_models_more: '{names} 等另外 {more} 个',
  plan_end_image_required:
    '{model} 的每个视频都需要结束图片，而 {file} 没有；请在 prompts.csv 的 end_image 列中指定一张、按文件名配对一张（shot.end.jpg）、开启循环，或选择其他模型',
  plan_csv_bad_yes_no: '{column} 必须是 yes 或 no（或 true/false、1/0），实际为“{value}”{at}',
  plan_csv_bad_number: '{column} 必须是 {min} 到 {max} 之间的数字，实际为“{value}”{at}',
  plan_csv_text_too_long: '{column} 有 {length} 个字符；{model} 最多接受 {max} 个{at}',
  cell_path_outside:
    '{column} 单元格“{value}”{where}{how}；Stillmotion 只打开拖入的文件夹 {root} 之内的文件。请把图片复制到该文件夹中，并写出相对于 prompts.csv 的路径（例如 refs/owl.png）',
  path_how_absolute: '是绝对路径',
  path_how_network: '指向网络位置（\\\\host\\share），这类位置从不打开',
  path_how_device: '是 Windows 设备路径（\\\\?\\ 或 \\\\.\\）',
  path_how_drive: '指定了驱动器（C:）',
  path_how_parent: '用“..”跳出了该文件夹',
  path_how_link: '通过符号链接指向该文件夹之外',
  plan_cell: '（{file}，第 {row} 行，{column} 列）',
  plan_where_cell: '（{file}，第 {row} 行，{column} 列）',
  plan_fit_note: '已{how}：{from} → {to}{shape}{upscale}',
  plan_fit_upscaled: '放大',
  plan_fit_cropped: '居中裁剪',
  plan_fit_padded: '以模糊背景填充',
  plan_fit_reshaped: '（{ratio} 超出 {model} 接受的范围；按 {sent} 发送）',
  plan_fit_soft: '；已用 Lanczos 放大，因为 {model} 需要更大的图片：视频可能偏模糊，如有更大的原图请改用原图',
  plan_outside_refused: '{what}。适配方式为“拒绝”：请选择“裁剪”或“填充”来适配，或换一张图片',
  plan_outside_small: '它是 {size} 像素，而 {model} 的短边至少需要 {min} 像素',
  plan_outside_ratio: '它的宽高比 {ratio}（{size}）超出 {model} 接受的范围（宽/高在 {min} 到 {max} 之间）',
  plan_outside_both: '{small}；另外，{shape}',
  plan_too_small_to_enlarge:
    '图片太小：它是 {size} 像素，要达到 {model} 短边所需的 {min} 像素需放大 {factor} 倍，生成的视频会很模糊，却照样收费。请改用更大的版本（短边至少 {floor} 像素；本应用最多放大 {most} 倍）',
  plan_csv_unsupported: '{model} 没有{what}字段；请清空该单元格或选择其他模型{at}',
  plan_field_duration: '时长',
  plan_field_audio: '音频',
  plan_field_guidance: 'CFG 引导',
  plan_field_negative: '反向提示词',
  plan_csv_bad_duration: '{model} 的时长必须是{allowed}，实际为“{value}”{at}',
  plan_seconds_one_of: ' {values} 秒',
  plan_list_or: '{head} 或 {last}',
  plan_seconds_range: ' {min} 到 {max} 之间的整数秒',
  update_ready:
    'Stillmotion {version} 已可安装。现在没有批次在运行：要重启以更新吗？（否则会在退出时安装。）',
  update_restart: '重启并更新',
  update_later: '稍后',
  update_none: 'Stillmotion {version} 已是最新版本。',
  update_downloading:
    '正在下载 Stillmotion {version}。它会在没有批次运行且你同意时安装，或在你退出时安装：更新绝不会打断批次。',
  update_downloaded: 'Stillmotion {version} 已下载。它会在没有批次运行且你同意时安装，或在你退出时安装。',
  update_check_failed: '无法检查更新：{detail}。请检查网络（或代理设置）后重试。',
  update_not_installed: '此 Stillmotion 从源代码目录运行，不会自动更新：请用 git 拉取新版本。',
  ...scanZhCN,
} as const satisfies Record<ReasonCode, string>;

const TEXTS: Record<ReasonLanguage, Record<ReasonCode, string>> = { en, 'zh-CN': zhCN };

export const REASON_CODES = Object.keys(en) as ReasonCode[];

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(en, value);
}

/** Builds a reason (a typo in a code is a compile error). */
export function reason(code: ReasonCode, params: ReasonParams = {}): Reason {
  return { code, params };
}

/**
 * The sentence for a reason in a language. A parameter the template names but the reason lacks
 * stays visible as `{name}` rather than vanishing, so a missing value is noticed, not hidden.
 */
export function formatReason(value: Reason, language: ReasonLanguage = 'en'): string {
  const template = TEXTS[language]?.[value.code] ?? en[value.code] ?? value.code;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const param = value.params[name];
    if (param === undefined || param === null) return whole;
    if (typeof param === 'object') return isReasonCode(param.code) ? formatReason(param, language) : whole;
    return String(param);
  });
}

/**
 * What to show for a stored reason: the code rendered in the reader's language when the row has
 * one, else the free text that rows written before codes existed carry.
 */
export function reasonText(
  stored: { reason?: Reason | null; message?: string | null },
  language: ReasonLanguage = 'en',
): string | null {
  if (stored.reason && isReasonCode(stored.reason.code)) return formatReason(stored.reason, language);
  return stored.message ?? null;
}

/**
 * A locale as a language, the one rule for the window's "system" setting, the OS integration and
 * the CLI's LANG: any Chinese locale however the OS writes it (`zh`, `zh-CN`, `zh-Hant-HK`,
 * `zh_CN.UTF-8`, `zh.UTF-8`) is Simplified Chinese, the one Chinese the texts are in; anything
 * else English.
 */
export function reasonLanguageFor(locale: string | undefined | null): ReasonLanguage {
  return locale && /^zh(?=$|[-_.@])/i.test(locale) ? 'zh-CN' : 'en';
}
