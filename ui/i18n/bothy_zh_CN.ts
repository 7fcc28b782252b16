<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppearanceTab</name>
    <message>
        <location filename="../settings/appearance_tab.py" line="16" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../settings/appearance_tab.py" line="18" />
        <location filename="../settings/appearance_tab.py" line="26" />
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../settings/appearance_tab.py" line="19" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../settings/appearance_tab.py" line="20" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../settings/appearance_tab.py" line="23" />
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <location filename="../settings/appearance_tab.py" line="25" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../settings/appearance_tab.py" line="28" />
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../banner.py" line="37" />
        <source>Notification</source>
        <translation>通知</translation>
    </message>
    <message>
        <location filename="../banner.py" line="51" />
        <source>Close notification</source>
        <translation>关闭通知</translation>
    </message>
    <message numerus="yes">
        <location filename="../banner.py" line="93" />
        <source>%n more</source>
        <translation>
            <numerusform>还有 %n 条</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../chat_view.py" line="50" />
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../chat_view.py" line="102" />
        <source>↓  Latest</source>
        <translation>↓  最新</translation>
    </message>
    <message>
        <location filename="../chat_view.py" line="103" />
        <source>Scroll to the latest message</source>
        <translation>滚动到最新消息</translation>
    </message>
    <message>
        <location filename="../chat_view.py" line="104" />
        <source>How can I help?</source>
        <translation>有什么可以帮你？</translation>
    </message>
    <message>
        <location filename="../chat_view.py" line="109" />
        <source>Everything stays on this computer. Ask a question, paste some text, or start from an idea.</source>
        <translation>一切都保留在这台电脑上。提个问题、粘贴一段文字，或者从一个想法开始。</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../composer.py" line="97" />
        <source>Message Bothy…</source>
        <translation>给 Bothy 发消息…</translation>
    </message>
    <message>
        <location filename="../composer.py" line="98" />
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../composer.py" line="99" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../composer.py" line="100" />
        <source>Send message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <location filename="../composer.py" line="101" />
        <source>Send (Enter)</source>
        <translation>发送（Enter）</translation>
    </message>
    <message>
        <location filename="../composer.py" line="102" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../composer.py" line="103" />
        <source>Stop the reply</source>
        <translation>停止回复</translation>
    </message>
    <message>
        <location filename="../composer.py" line="104" />
        <source>Stop the reply (Esc)</source>
        <translation>停止回复（Esc）</translation>
    </message>
    <message>
        <location filename="../composer.py" line="105" />
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <location filename="../composer.py" line="106" />
        <source>Enter to send · Shift+Enter for a new line · Esc to stop</source>
        <translation>Enter 发送 · Shift+Enter 换行 · Esc 停止</translation>
    </message>
</context>
<context>
    <name>ConversationActions</name>
    <message>
        <location filename="../conversation_actions.py" line="65" />
        <source>Stop the reply before deleting this chat.</source>
        <translation>请先停止回复，再删除此对话。</translation>
    </message>
    <message>
        <location filename="../conversation_actions.py" line="72" />
        <source>Untitled chat</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <location filename="../conversation_actions.py" line="73" />
        <source>Deleted “%1”.</source>
        <translation>已删除“%1”。</translation>
    </message>
    <message>
        <location filename="../conversation_actions.py" line="110" />
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>ConversationModel</name>
    <message>
        <location filename="../conversation_model.py" line="27" />
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="52" />
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="54" />
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="56" />
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="58" />
        <source>Previous 7 days</source>
        <translation>过去 7 天</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="59" />
        <source>Older</source>
        <translation>更早</translation>
    </message>
</context>
<context>
    <name>DataTab</name>
    <message>
        <location filename="../settings/data_tab.py" line="34" />
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="35" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="36" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="37" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="43" />
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="44" />
        <source>Open the folder of %1</source>
        <translation>打开%1所在的文件夹</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="50" />
        <source>Export all conversations…</source>
        <translation>导出全部对话…</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="52" />
        <source>Import conversations…</source>
        <translation>导入对话…</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="54" />
        <source>Delete all conversations…</source>
        <translation>删除全部对话…</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="103" />
        <source>Export all conversations</source>
        <translation>导出全部对话</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="105" />
        <location filename="../settings/data_tab.py" line="121" />
        <source>JSON (*.json)</source>
        <translation>JSON（*.json）</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="114" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings/data_tab.py" line="115" />
        <source>Exported %n conversation(s).</source>
        <translation>
            <numerusform>已导出 %n 个对话。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="121" />
        <source>Import conversations</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="128" />
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings/data_tab.py" line="128" />
        <source>Imported %n conversation(s).</source>
        <translation>
            <numerusform>已导入 %n 个对话。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="148" />
        <source>Deleting…</source>
        <translation>正在删除…</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings/data_tab.py" line="148" />
        <source>Deleted %n conversation(s).</source>
        <translation>
            <numerusform>已删除 %n 个对话。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="137" />
        <source>Delete all conversations</source>
        <translation>删除全部对话</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings/data_tab.py" line="138" />
        <source>Delete all %n conversation(s)? This cannot be undone.</source>
        <translation>
            <numerusform>删除全部 %n 个对话？此操作无法撤销。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DiscoverWidget</name>
    <message>
        <location filename="../discover.py" line="96" />
        <source>Search models (name, family, licence, use)…</source>
        <translation>搜索模型（名称、系列、许可证、用途）…</translation>
    </message>
    <message>
        <location filename="../discover.py" line="97" />
        <source>Search models</source>
        <translation>搜索模型</translation>
    </message>
    <message>
        <location filename="../discover.py" line="101" />
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <location filename="../discover.py" line="102" />
        <source>All families</source>
        <translation>全部系列</translation>
    </message>
    <message>
        <location filename="../discover.py" line="106" />
        <source>Only models that fit this computer</source>
        <translation>只显示这台电脑放得下的模型</translation>
    </message>
    <message>
        <location filename="../discover.py" line="115" />
        <source>Models you can download</source>
        <translation>可下载的模型</translation>
    </message>
    <message>
        <location filename="../discover.py" line="138" />
        <source>Parameters:</source>
        <translation>参数量：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="139" />
        <source>Trained context:</source>
        <translation>训练上下文：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="140" />
        <source>Licence:</source>
        <translation>许可证：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="141" />
        <source>From:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="143" />
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../discover.py" line="145" />
        <source>Quantization:</source>
        <translation>量化：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="148" />
        <source>On this computer:</source>
        <translation>在这台电脑上：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="151" />
        <location filename="../discover.py" line="287" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="71" />
        <source>From Hugging Face</source>
        <translation>从 Hugging Face 获取</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="75" />
        <source>Paste a Hugging Face link, or a repository such as owner/name</source>
        <translation>粘贴 Hugging Face 链接，或 owner/name 形式的仓库名</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="80" />
        <source>Hugging Face link or repository</source>
        <translation>Hugging Face 链接或仓库</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="83" />
        <source>Get</source>
        <translation>获取</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="86" />
        <source>Files in the repository</source>
        <translation>仓库中的文件</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="88" />
        <source>Download file</source>
        <translation>下载文件</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="97" />
        <location filename="../discover_downloads.py" line="100" />
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="109" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="110" />
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="111" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../discover.py" line="187" />
        <source>Fits</source>
        <translation>放得下</translation>
    </message>
    <message>
        <location filename="../discover.py" line="188" />
        <source>Tight fit</source>
        <translation>勉强放得下</translation>
    </message>
    <message>
        <location filename="../discover.py" line="189" />
        <source>Won't fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <location filename="../discover.py" line="206" />
        <source>{name}  ·  {params}  ·  {verdict}</source>
        <translation>{name}  ·  {params}  ·  {verdict}</translation>
    </message>
    <message>
        <location filename="../discover.py" line="243" />
        <source>No model matches the search.</source>
        <translation>没有符合搜索的模型。</translation>
    </message>
    <message>
        <location filename="../discover.py" line="249" />
        <source>{n} tokens</source>
        <translation>{n} 个词元</translation>
    </message>
    <message>
        <location filename="../discover.py" line="257" />
        <source>{quant} — size known at download (about {size})</source>
        <translation>{quant} — 下载时才知道确切大小（约 {size}）</translation>
    </message>
    <message>
        <location filename="../discover.py" line="281" />
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../discover.py" line="284" />
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="173" />
        <source>Listing the files of {repo}…</source>
        <translation>正在列出 {repo} 的文件…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="198" />
        <source>{repo} has no GGUF files.</source>
        <translation>{repo} 中没有 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="208" />
        <source>size known at download</source>
        <translation>下载时才知道大小</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="229" />
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="233" />
        <source>Done ({size}); the model is in your models folder.</source>
        <translation>完成（{size}）；模型已放入你的模型文件夹。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="239" />
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="241" />
        <source>Paused at {amount}.</source>
        <translation>已暂停，已下载 {amount}。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="243" />
        <source>Checking the file…</source>
        <translation>正在校验文件…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="245" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="248" />
        <source>{speed}/s</source>
        <translation>{speed}/秒</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="251" />
        <source>about {time} left</source>
        <translation>约剩 {time}</translation>
    </message>
</context>
<context>
    <name>GenerationTab</name>
    <message>
        <location filename="../settings/generation_tab.py" line="63" />
        <source>Default system prompt</source>
        <translation>默认系统提示词</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="65" />
        <source>Default system prompt:</source>
        <translation>默认系统提示词：</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="67" />
        <source>Used by new chats. Change one chat's prompt with Chat &gt; System prompt for this chat.</source>
        <translation>用于新对话。要修改某个对话的提示词，请使用“对话 &gt; 此对话的系统提示词”。</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="80" />
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="81" />
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="82" />
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="83" />
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="84" />
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="86" />
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="88" />
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="86" />
        <source>Maximum reply length</source>
        <translation>最长回复</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="86" />
        <source>Maximum reply length:</source>
        <translation>最长回复：</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="89" />
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="89" />
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="89" />
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="90" />
        <source>Reset to defaults</source>
        <translation>恢复默认值</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../app.py" line="91" />
        <source>Something went wrong inside Bothy (the details are in the log).</source>
        <translation>Bothy 内部出错了（详情见日志）。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="149" />
        <source>Bothy</source>
        <translation>Bothy</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="203" />
        <source>%1 could not be loaded: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="206" />
        <source>Still using %1.</source>
        <translation>仍在使用 %1。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="220" />
        <source>Loading %1… you can write your message meanwhile.</source>
        <translation>正在加载 %1…你可以先写消息。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="225" />
        <source>No model is loaded, so Bothy cannot answer yet. Add a GGUF model file in Settings &gt; Models (or drop a .gguf file on this window), then choose Use this model.</source>
        <translation>尚未加载模型，Bothy 暂时无法回答。请在“设置 &gt; 模型”中添加 GGUF 模型文件（或把 .gguf 文件拖到此窗口），然后选择“保存并使用此模型”。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="285" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="291" />
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="291" />
        <source>How Bothy should behave in this chat:</source>
        <translation>Bothy 在此对话中应如何表现：</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="302" />
        <source>Export this chat</source>
        <translation>导出此对话</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="302" />
        <source>Markdown (*.md)</source>
        <translation>Markdown（*.md）</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="357" />
        <source>Your settings could not be saved: %1</source>
        <translation>无法保存设置：%1</translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <location filename="../message_widget.py" line="68" />
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="68" />
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="83" />
        <source>Bothy</source>
        <translation>Bothy</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="102" />
        <location filename="../message_widget.py" line="184" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="103" />
        <source>Copy the whole message</source>
        <translation>复制整条消息</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="106" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="107" />
        <source>Edit this message and send it again</source>
        <translation>编辑此消息并重新发送</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="114" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="115" />
        <source>Write this reply again</source>
        <translation>重新写这条回复</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="176" />
        <source>Show all %1 characters</source>
        <translation>显示全部 %1 个字符</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="184" />
        <source>image</source>
        <translation>图片</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="193" />
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="195" />
        <source>Stopped before the end.</source>
        <translation>已在结束前停止。</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="197" />
        <source>Interrupted: Bothy closed before this reply was finished.</source>
        <translation>已中断：这条回复完成前 Bothy 被关闭了。</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="199" />
        <source>This reply failed.</source>
        <translation>这条回复失败了。</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="201" />
        <source>Reached the maximum reply length (see Settings &gt; Generation).</source>
        <translation>已达到最长回复长度（见“设置 &gt; 生成”）。</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="224" />
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="226" />
        <source>%1 s to first token</source>
        <translation>首个词元 %1 秒</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="227" />
        <source>%1 tokens</source>
        <translation>%1 个词元</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="236" />
        <source>Prompt: %1 tokens</source>
        <translation>提示：%1 个词元</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="287" />
        <source>Edit your message</source>
        <translation>编辑你的消息</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="293" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="294" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
</context>
<context>
    <name>ModelsController</name>
    <message>
        <location filename="../models_controller.py" line="66" />
        <source>Stop the reply before switching models.</source>
        <translation>请先停止回复，再切换模型。</translation>
    </message>
    <message>
        <location filename="../models_controller.py" line="68" />
        <source>A model is still loading.</source>
        <translation>模型仍在加载中。</translation>
    </message>
</context>
<context>
    <name>ModelsTab</name>
    <message>
        <location filename="../settings/models_tab.py" line="48" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="50" />
        <source>Add model…</source>
        <translation>添加模型…</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="52" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="54" />
        <source>Open models folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="60" />
        <source>Drop .gguf files here to add them.</source>
        <translation>把 .gguf 文件拖到这里即可添加。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="73" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="74" />
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="75" />
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="76" />
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="77" />
        <source>Size on disk</source>
        <translation>磁盘占用</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="78" />
        <source>Trained context</source>
        <translation>训练上下文</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="79" />
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="80" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="81" />
        <source>On this computer</source>
        <translation>在这台电脑上</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="88" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="91" />
        <source>How it loads</source>
        <translation>加载方式</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="97" />
        <source>Automatic (trained, at most 8,192)</source>
        <translation>自动（训练值，最多 8,192）</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="98" />
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="99" />
        <source>Context length:</source>
        <translation>上下文长度：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="102" />
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="108" />
        <source>GPU layers:</source>
        <translation>GPU 层数：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="111" />
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="112" />
        <source>Threads</source>
        <translation>线程</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="113" />
        <source>Threads:</source>
        <translation>线程：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="114" />
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="118" />
        <source>KV-cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="119" />
        <source>KV-cache type:</source>
        <translation>KV 缓存类型：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="123" />
        <source>Backend:</source>
        <translation>后端：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="128" />
        <source>Set as default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="130" />
        <source>Save and use this model</source>
        <translation>保存并使用此模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="177" />
        <source>in use</source>
        <translation>使用中</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="179" />
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="181" />
        <source>starter</source>
        <translation>入门模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="226" />
        <source>embedded in the file</source>
        <translation>内嵌于文件</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="226" />
        <source>none: guessed when loaded</source>
        <translation>无：加载时推测</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="229" />
        <source>Ready</source>
        <translation>可用</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="231" />
        <source>The file is missing.</source>
        <translation>文件不存在。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="232" />
        <source>Cannot be used: %1</source>
        <translation>无法使用：%1</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="246" />
        <source>Known once a model is loaded.</source>
        <translation>加载模型后可知。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="250" />
        <source>GPU offload is possible.</source>
        <translation>可以使用 GPU 加速。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="252" />
        <source>This build of llama.cpp runs on the CPU only, so GPU layers have no effect.</source>
        <translation>此 llama.cpp 版本只能在 CPU 上运行，GPU 层数设置无效。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="281" />
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="328" />
        <source>Delete %1 from the models folder?</source>
        <translation>从模型文件夹中删除 %1？</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="330" />
        <source>Remove %1 from the list? The file stays where it is.</source>
        <translation>从列表中移除 %1？文件本身会保留。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="332" />
        <location filename="../settings/models_tab.py" line="337" />
        <source>Remove model</source>
        <translation>移除模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="346" />
        <location filename="../settings/models_tab.py" line="354" />
        <location filename="../settings/models_tab.py" line="394" />
        <source>Add a model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="346" />
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型（*.gguf）</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="355" />
        <source>Add %1 to Bothy:</source>
        <translation>将 %1 添加到 Bothy：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="356" />
        <source>Copy into the models folder</source>
        <translation>复制到模型文件夹</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="357" />
        <source>Use it where it is</source>
        <translation>在原位置使用</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="365" />
        <source>Adding %1…</source>
        <translation>正在添加 %1…</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings/dialog.py" line="21" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="28" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="32" />
        <source>Discover</source>
        <translation>发现</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="34" />
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="35" />
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="36" />
        <source>Data</source>
        <translation>数据</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../sidebar.py" line="184" />
        <location filename="../sidebar.py" line="186" />
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../sidebar.py" line="185" />
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>开始新对话（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../sidebar.py" line="187" />
        <source>Search all chats (Ctrl+K)</source>
        <translation>搜索全部对话（Ctrl+K）</translation>
    </message>
    <message>
        <location filename="../sidebar.py" line="188" />
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../sidebar.py" line="189" />
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../sidebar.py" line="190" />
        <location filename="../sidebar.py" line="293" />
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../sidebar.py" line="296" />
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <location filename="../sidebar.py" line="296" />
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <location filename="../sidebar.py" line="298" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../status_bar.py" line="43" />
        <source>Context used</source>
        <translation>已用上下文</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="44" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="61" />
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="65" />
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="75" />
        <source>%1/%2 layers on GPU</source>
        <translation>%1/%2 层在 GPU 上</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="79" />
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="77" />
        <source>no layers on GPU</source>
        <translation>无层在 GPU 上</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="70" />
        <source>(base model)</source>
        <translation>（基础模型）</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="80" />
        <source>%1 context</source>
        <translation>%1 上下文</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="82" />
        <source>Template: %1 (%2)</source>
        <translation>模板：%1（%2）</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="86" />
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="93" />
        <source>How much of the model's context this conversation uses</source>
        <translation>此对话占用了模型上下文的多少</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="99" />
        <source>Context %1%</source>
        <translation>上下文 %1%</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="101" />
        <source>%1 of %2 tokens of context used</source>
        <translation>已用上下文 %1 / %2 个词元</translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="110" />
        <source>⚠ %n older message(s) no longer fit</source>
        <translation>
            <numerusform>⚠ %n 条较早的消息已放不下</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="113" />
        <source>The model no longer sees the oldest messages of this conversation: start a new chat or raise the context length in Settings &gt; Models.</source>
        <translation>模型已看不到此对话中最早的消息：请开始新对话，或在“设置 &gt; 模型”中增大上下文长度。</translation>
    </message>
</context>
<context>
    <name>ThinkingBlock</name>
    <message>
        <location filename="../thinking_block.py" line="37" />
        <source>Shows or hides what the model thought before it answered</source>
        <translation>显示或隐藏模型在回答前的思考过程</translation>
    </message>
    <message>
        <location filename="../thinking_block.py" line="41" />
        <location filename="../thinking_block.py" line="65" />
        <source>Thinking</source>
        <translation>思考过程</translation>
    </message>
    <message>
        <location filename="../thinking_block.py" line="61" />
        <source>Thought for %1 s</source>
        <translation>思考了 %1 秒</translation>
    </message>
    <message>
        <location filename="../thinking_block.py" line="63" />
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <location filename="../thinking_block.py" line="84" />
        <source>Hide the thinking</source>
        <translation>隐藏思考过程</translation>
    </message>
    <message>
        <location filename="../thinking_block.py" line="84" />
        <source>Show the thinking</source>
        <translation>显示思考过程</translation>
    </message>
</context>
<context>
    <name>TurnHandling</name>
    <message>
        <location filename="../window_turns.py" line="53" />
        <source>Replace the rest of this chat?</source>
        <translation>替换此对话的后续内容？</translation>
    </message>
    <message>
        <location filename="../window_turns.py" line="54" />
        <source>Sending the edited message replaces the %n message(s) that followed it.</source>
        <translation>发送编辑后的消息会替换其后的 %n 条消息。</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <location filename="../actions.py" line="73" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="74" />
        <source>&amp;Chat</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="75" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="76" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="77" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../actions.py" line="78" />
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../actions.py" line="79" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../actions.py" line="80" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../actions.py" line="81" />
        <location filename="../actions.py" line="98" />
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="82" />
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="83" />
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="84" />
        <location filename="../actions.py" line="108" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../actions.py" line="85" />
        <location filename="../actions.py" line="103" />
        <source>Stop the reply</source>
        <translation>停止回复</translation>
    </message>
    <message>
        <location filename="../actions.py" line="86" />
        <location filename="../actions.py" line="104" />
        <source>Regenerate the last reply</source>
        <translation>重新生成最后一条回复</translation>
    </message>
    <message>
        <location filename="../actions.py" line="87" />
        <source>Rename chat</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="88" />
        <source>Delete chat</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="89" />
        <source>System prompt for this chat…</source>
        <translation>此对话的系统提示词…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="90" />
        <source>Export this chat…</source>
        <translation>导出此对话…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="91" />
        <location filename="../actions.py" line="114" />
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../actions.py" line="92" />
        <location filename="../actions.py" line="126" />
        <source>About Bothy</source>
        <translation>关于 Bothy</translation>
    </message>
    <message>
        <location filename="../actions.py" line="93" />
        <location filename="../actions.py" line="100" />
        <source>Write a message</source>
        <translation>撰写消息</translation>
    </message>
    <message>
        <location filename="../actions.py" line="99" />
        <source>Search all chats</source>
        <translation>搜索全部对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="101" />
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../actions.py" line="101" />
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <location filename="../actions.py" line="102" />
        <source>Shift+Enter</source>
        <translation>Shift+Enter</translation>
    </message>
    <message>
        <location filename="../actions.py" line="102" />
        <source>New line in the message</source>
        <translation>在消息中换行</translation>
    </message>
    <message>
        <location filename="../actions.py" line="103" />
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <location filename="../actions.py" line="105" />
        <source>Rename the selected chat</source>
        <translation>重命名所选对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="106" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../actions.py" line="106" />
        <source>Delete the selected chat (with undo)</source>
        <translation>删除所选对话（可撤销）</translation>
    </message>
    <message>
        <location filename="../actions.py" line="107" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../actions.py" line="127" />
        <source>Bothy %1: a private assistant that runs entirely on this computer.</source>
        <translation>Bothy %1：完全在这台电脑上运行的私人助手。</translation>
    </message>
</context>
</TS>