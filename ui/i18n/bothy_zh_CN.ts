<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApiTab</name>
    <message>
        <location filename="../settings/api_tab.py" line="39" />
        <source>Other apps on this computer (Cherry Studio, Chatbox, LobeHub, Open WebUI, editors, scripts) can use the model Bothy has loaded, through the OpenAI-compatible API. Off until you switch it on.</source>
        <translation>这台电脑上的其他应用（Cherry Studio、Chatbox、LobeHub、Open WebUI、编辑器、脚本）可以通过 OpenAI 兼容的 API 使用 Bothy 已加载的模型。打开之前一直关闭。</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="48" />
        <source>Serve the loaded model to other apps</source>
        <translation>把已加载的模型提供给其他应用</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="55" />
        <location filename="../settings/api_tab.py" line="56" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="57" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="67" />
        <source>Also listen on the local network</source>
        <translation>也在局域网上监听</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="70" />
        <source>Let apps load other models</source>
        <translation>允许应用加载其他模型</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="72" />
        <source>A request that names another of your models loads it in place of the one loaded now.</source>
        <translation>请求中指定你的另一个模型时，Bothy 会加载它来替换当前已加载的模型。</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="74" />
        <source>Keep API conversations in the history (the API group)</source>
        <translation>在历史记录中保留 API 对话（“API”分组）</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="75" />
        <source>Off: like any server, Bothy keeps nothing that apps send.</source>
        <translation>关闭时：与其他服务器一样，Bothy 不保留应用发送的任何内容。</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="77" />
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="78" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="79" />
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="81" />
        <source>Allowed web pages</source>
        <translation>允许的网页</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="86" />
        <source>Others on your network can reach it (with the key), and requests travel unencrypted.</source>
        <translation>你网络上的其他人（有密钥时）可以访问它，请求以未加密方式传输。</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="94" />
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="143" />
        <source>On: other apps can use %1 at %2 with the key above.</source>
        <translation>已打开：其他应用可以用上面的密钥在 %2 使用 %1。</translation>
    </message>
    <message>
        <location filename="../settings/api_tab.py" line="148" />
        <source>Off: nothing listens.</source>
        <translation>已关闭：没有任何监听。</translation>
    </message>
</context>
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
    <name>BranchHandling</name>
    <message>
        <location filename="../window_branches.py" line="64" />
        <source>Forked into a new chat: “%1”.</source>
        <translation>已分叉为新对话：“%1”。</translation>
    </message>
</context>
<context>
    <name>BranchSwitcher</name>
    <message>
        <location filename="../branch_switcher.py" line="29" />
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <location filename="../branch_switcher.py" line="32" />
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <location filename="../branch_switcher.py" line="55" />
        <source>Version %1 of %2</source>
        <translation>第 %1 个版本，共 %2 个</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../chat_view.py" line="72" />
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../chat_view.py" line="124" />
        <source>↓  Latest</source>
        <translation>↓  最新</translation>
    </message>
    <message>
        <location filename="../chat_view.py" line="125" />
        <source>Scroll to the latest message</source>
        <translation>滚动到最新消息</translation>
    </message>
    <message>
        <location filename="../chat_view.py" line="126" />
        <source>How can I help?</source>
        <translation>有什么可以帮你？</translation>
    </message>
    <message>
        <location filename="../chat_view.py" line="131" />
        <source>Everything stays on this computer. Ask a question, paste some text, or start from an idea.</source>
        <translation>一切都保留在这台电脑上。提个问题、粘贴一段文字，或者从一个想法开始。</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message numerus="yes">
        <location filename="../composer.py" line="125" />
        <source>%n document(s)</source>
        <translation>
            <numerusform>%n 个文档</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../composer.py" line="127" />
        <source>Answers from your documents: %1 (%2)</source>
        <translation>根据你的文档回答：%1（%2）</translation>
    </message>
    <message>
        <location filename="../composer.py" line="131" />
        <source>Attach</source>
        <translation>附加</translation>
    </message>
    <message>
        <location filename="../composer.py" line="132" />
        <source>Attach documents to this chat: its answers draw on them</source>
        <translation>为这个对话附加文档：它的回答会参考这些文档</translation>
    </message>
    <message>
        <location filename="../composer.py" line="133" />
        <source>Stop using them</source>
        <translation>不再使用</translation>
    </message>
    <message>
        <location filename="../composer.py" line="136" />
        <source>Message Bothy…</source>
        <translation>给 Bothy 发消息…</translation>
    </message>
    <message>
        <location filename="../composer.py" line="137" />
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../composer.py" line="138" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../composer.py" line="139" />
        <source>Send message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <location filename="../composer.py" line="140" />
        <source>Send (Enter)</source>
        <translation>发送（Enter）</translation>
    </message>
    <message>
        <location filename="../composer.py" line="141" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../composer.py" line="142" />
        <source>Stop the reply</source>
        <translation>停止回复</translation>
    </message>
    <message>
        <location filename="../composer.py" line="143" />
        <source>Stop the reply (Esc)</source>
        <translation>停止回复（Esc）</translation>
    </message>
    <message>
        <location filename="../composer.py" line="144" />
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <location filename="../composer.py" line="145" />
        <source>Enter to send · Shift+Enter for a new line · Esc to stop</source>
        <translation>Enter 发送 · Shift+Enter 换行 · Esc 停止</translation>
    </message>
</context>
<context>
    <name>ContextFullDialog</name>
    <message>
        <location filename="../context_full.py" line="35" />
        <source>This chat no longer fits</source>
        <translation>此对话已超出上下文</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="40" />
        <source>This chat no longer fits the model's context (%1 tokens).</source>
        <translation>此对话已超出模型的上下文（%1 个词元）。</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="48" />
        <source>With your new message it needs about %1 tokens. Nothing was sent: your message is still in the box.</source>
        <translation>加上你的新消息，大约需要 %1 个词元。什么都没有发送：你的消息仍在输入框中。</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="56" />
        <source>Use a longer context</source>
        <translation>使用更长的上下文</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="57" />
        <source>Load the model again with room for %1 tokens, then send your message.</source>
        <translation>以 %1 个词元的上下文重新加载模型，然后发送你的消息。</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="65" />
        <source>This model was trained on at most %1 tokens: beyond that its replies may get worse.</source>
        <translation>此模型训练时的上下文最多为 %1 个词元：超出后回复质量可能下降。</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="67" />
        <source>Use %1 tokens</source>
        <translation>使用 %1 个词元</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="72" />
        <source>New chat with a summary</source>
        <translation>带着摘要开始新对话</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="74" />
        <source>The model summarizes this chat; a new chat starts with that summary in its memory, and your message is sent there. This chat stays as it is.</source>
        <translation>模型会总结此对话；新对话以这份摘要作为记忆开始，你的消息将发送到那里。此对话保持不变。</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="78" />
        <source>Start a new chat</source>
        <translation>开始新对话</translation>
    </message>
    <message>
        <location filename="../context_full.py" line="84" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ContextMeter</name>
    <message numerus="yes">
        <location filename="../context_meter.py" line="51" />
        <source>System prompt and %n memory note(s): %1 tokens</source>
        <translation>
            <numerusform>系统提示词和 %n 条记忆笔记：%1 个词元</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../context_meter.py" line="53" />
        <source>System prompt: %1 tokens</source>
        <translation>系统提示词：%1 个词元</translation>
    </message>
    <message numerus="yes">
        <location filename="../context_meter.py" line="61" />
        <source>Summary of %n earlier message(s): %1 tokens</source>
        <translation>
            <numerusform>%n 条较早消息的摘要：%1 个词元</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../context_meter.py" line="66" />
        <source>%n pinned message(s): %1 tokens</source>
        <translation>
            <numerusform>%n 条固定的消息：%1 个词元</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../context_meter.py" line="69" />
        <source>%n passage(s) of your documents: %1 tokens</source>
        <translation>
            <numerusform>你的文档中的 %n 个段落：%1 个词元</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../context_meter.py" line="73" />
        <source>The newest %n message(s): %1 tokens</source>
        <translation>
            <numerusform>最新的 %n 条消息：%1 个词元</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../context_meter.py" line="76" />
        <source>Kept for the reply: %1 tokens</source>
        <translation>为回复预留：%1 个词元</translation>
    </message>
    <message>
        <location filename="../context_meter.py" line="78" />
        <source>Free: %1 tokens</source>
        <translation>空闲：%1 个词元</translation>
    </message>
    <message>
        <location filename="../context_meter.py" line="84" />
        <source>How much of the model's context this conversation uses</source>
        <translation>此对话占用了模型上下文的多少</translation>
    </message>
    <message>
        <location filename="../context_meter.py" line="86" />
        <source>%1 of %2 tokens of context used</source>
        <translation>已用上下文 %1 / %2 个词元</translation>
    </message>
    <message numerus="yes">
        <location filename="../context_meter.py" line="93" />
        <source>%n earlier message(s) left out</source>
        <translation>
            <numerusform>%n 条较早的消息已被略去</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ContextPopup</name>
    <message>
        <location filename="../context_meter.py" line="214" />
        <source>Send a message to see what fills the context.</source>
        <translation>发送一条消息后，这里会显示上下文里都有什么。</translation>
    </message>
    <message>
        <location filename="../context_meter.py" line="216" />
        <source>Pinned messages and memory notes are sent with every message; see Memory…</source>
        <translation>固定的消息和记忆笔记会随每条消息发送；详见“记忆…”</translation>
    </message>
    <message>
        <location filename="../context_meter.py" line="218" />
        <source>Memory…</source>
        <translation>记忆…</translation>
    </message>
    <message>
        <location filename="../context_meter.py" line="219" />
        <source>Open the memory panel</source>
        <translation>打开记忆面板</translation>
    </message>
</context>
<context>
    <name>ConversationActions</name>
    <message>
        <location filename="../conversation_actions.py" line="68" />
        <source>Stop the reply before deleting this chat.</source>
        <translation>请先停止回复，再删除此对话。</translation>
    </message>
    <message>
        <location filename="../conversation_actions.py" line="75" />
        <source>Untitled chat</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <location filename="../conversation_actions.py" line="76" />
        <source>Deleted “%1”.</source>
        <translation>已删除“%1”。</translation>
    </message>
    <message>
        <location filename="../conversation_actions.py" line="87" />
        <source>Wait for the reply to finish, or stop it, before switching versions.</source>
        <translation>请等回复写完或先停止，再切换版本。</translation>
    </message>
    <message>
        <location filename="../conversation_actions.py" line="101" />
        <source>Stop the reply before deleting messages of this chat.</source>
        <translation>请先停止回复，再删除此对话中的消息。</translation>
    </message>
    <message numerus="yes">
        <location filename="../conversation_actions.py" line="108" />
        <source>Deleted %n message(s).</source>
        <translation>
            <numerusform>已删除 %n 条消息。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../conversation_actions.py" line="150" />
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>ConversationModel</name>
    <message>
        <location filename="../conversation_model.py" line="28" />
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="55" />
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="57" />
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="59" />
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="61" />
        <source>Previous 7 days</source>
        <translation>过去 7 天</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="63" />
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <location filename="../conversation_model.py" line="64" />
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
        <location filename="../settings/data_tab.py" line="122" />
        <source>Import conversations</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="156" />
        <source>Deleting…</source>
        <translation>正在删除…</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings/data_tab.py" line="156" />
        <source>Deleted %n conversation(s).</source>
        <translation>
            <numerusform>已删除 %n 个对话。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="145" />
        <source>Delete all conversations</source>
        <translation>删除全部对话</translation>
    </message>
    <message>
        <location filename="../settings/data_tab.py" line="124" />
        <source>Chat exports (*.json *.zip);;All files (*)</source>
        <translation>对话导出文件 (*.json *.zip);;所有文件 (*)</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings/data_tab.py" line="146" />
        <source>Delete all %n conversation(s)? This cannot be undone.</source>
        <translation>
            <numerusform>删除全部 %n 个对话？此操作无法撤销。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DiscoverWidget</name>
    <message>
        <location filename="../discover.py" line="103" />
        <source>Search models (name, family, licence, use)…</source>
        <translation>搜索模型（名称、系列、许可证、用途）…</translation>
    </message>
    <message>
        <location filename="../discover.py" line="104" />
        <source>Search models</source>
        <translation>搜索模型</translation>
    </message>
    <message>
        <location filename="../discover.py" line="108" />
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <location filename="../discover.py" line="109" />
        <source>All families</source>
        <translation>全部系列</translation>
    </message>
    <message>
        <location filename="../discover.py" line="113" />
        <source>Only models that fit this computer</source>
        <translation>只显示这台电脑放得下的模型</translation>
    </message>
    <message>
        <location filename="../discover.py" line="122" />
        <source>Models you can download</source>
        <translation>可下载的模型</translation>
    </message>
    <message>
        <location filename="../discover.py" line="145" />
        <source>Parameters:</source>
        <translation>参数量：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="146" />
        <source>Trained context:</source>
        <translation>训练上下文：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="147" />
        <source>Licence:</source>
        <translation>许可证：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="148" />
        <source>From:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="150" />
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../discover.py" line="152" />
        <source>Quantization:</source>
        <translation>量化：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="155" />
        <source>On this computer:</source>
        <translation>在这台电脑上：</translation>
    </message>
    <message>
        <location filename="../discover.py" line="158" />
        <location filename="../discover.py" line="300" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="110" />
        <source>Get</source>
        <translation>获取</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="117" />
        <source>Files in the repository</source>
        <translation>仓库中的文件</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="119" />
        <source>Download file</source>
        <translation>下载文件</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="142" />
        <location filename="../discover_downloads.py" line="145" />
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="154" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="155" />
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="156" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../discover.py" line="194" />
        <source>Fits</source>
        <translation>放得下</translation>
    </message>
    <message>
        <location filename="../discover.py" line="195" />
        <source>Tight fit</source>
        <translation>勉强放得下</translation>
    </message>
    <message>
        <location filename="../discover.py" line="196" />
        <source>Won't fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <location filename="../discover.py" line="213" />
        <source>{name}  ·  {params}  ·  {verdict}</source>
        <translation>{name}  ·  {params}  ·  {verdict}</translation>
    </message>
    <message>
        <location filename="../discover.py" line="217" />
        <source>for documents</source>
        <translation>用于文档</translation>
    </message>
    <message>
        <location filename="../discover.py" line="252" />
        <source>No model matches the search.</source>
        <translation>没有符合搜索的模型。</translation>
    </message>
    <message>
        <location filename="../discover.py" line="258" />
        <source>{n} tokens</source>
        <translation>{n} 个词元</translation>
    </message>
    <message>
        <location filename="../discover.py" line="266" />
        <source>{quant} — size known at download (about {size})</source>
        <translation>{quant} — 下载时才知道确切大小（约 {size}）</translation>
    </message>
    <message>
        <location filename="../discover.py" line="294" />
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../discover.py" line="297" />
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="74" />
        <source>Search and download</source>
        <translation>搜索并下载</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="77" />
        <source>Download from:</source>
        <translation>下载来源：</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="79" />
        <source>Download from</source>
        <translation>下载来源</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="80" />
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="81" />
        <source>A Hugging Face mirror</source>
        <translation>Hugging Face 镜像站</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="83" />
        <source>ModelScope (modelscope.cn)</source>
        <translation>魔搭 ModelScope（modelscope.cn）</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="87" />
        <source>The mirror's address</source>
        <translation>镜像站地址</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="88" />
        <source>Access token…</source>
        <translation>访问令牌…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="90" />
        <source>For gated models (Llama, Gemma…): accept the licence on the model's page, then paste your token. It is kept in the system keychain and sent to this source only.</source>
        <translation>用于需要授权的模型（Llama、Gemma 等）：先在模型页面接受许可协议，再粘贴你的令牌。令牌保存在系统钥匙串中，只会发送给这个来源。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="104" />
        <source>Search models (e.g. qwen gguf), or paste a link or a repository such as owner/name</source>
        <translation>搜索模型（例如 qwen gguf），或粘贴链接或仓库名（如 owner/name）</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="108" />
        <source>Search, link or repository</source>
        <translation>搜索、链接或仓库</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="113" />
        <source>Repositories found</source>
        <translation>找到的仓库</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="127" />
        <source>Try ModelScope instead</source>
        <translation>改从魔搭 ModelScope 下载</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="212" />
        <source>Bothy does not know {model} on ModelScope: search ModelScope for it above, or download from Hugging Face or a mirror.</source>
        <translation>Bothy 不知道 {model} 在魔搭上的位置：请在上方搜索魔搭，或从 Hugging Face 或镜像站下载。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="266" />
        <source>Access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="267" />
        <source>Access token for {source}:</source>
        <translation>{source} 的访问令牌：</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="274" />
        <source>The token is kept; it is sent to {host} only.</source>
        <translation>令牌已保存；只会发送给 {host}。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="278" />
        <source>The token is forgotten.</source>
        <translation>令牌已删除。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="303" />
        <source>Searching {source}…</source>
        <translation>正在搜索 {source}…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="319" />
        <source>Listing the files of {repo}…</source>
        <translation>正在列出 {repo} 的文件…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="350" />
        <source>No repositories with GGUF files match “{query}”.</source>
        <translation>没有与“{query}”匹配且含 GGUF 文件的仓库。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="356" />
        <source>{n} downloads</source>
        <translation>{n} 次下载</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="396" />
        <source>{repo} has no GGUF files.</source>
        <translation>{repo} 中没有 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="406" />
        <source>size known at download</source>
        <translation>下载时才知道大小</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="418" />
        <source>fits this computer</source>
        <translation>适合这台电脑</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="419" />
        <source>slow on this computer</source>
        <translation>在这台电脑上较慢</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="420" />
        <source>won't fit</source>
        <translation>装不下</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="447" />
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="451" />
        <source>Done ({size}); the model is in your models folder.</source>
        <translation>完成（{size}）；模型已放入你的模型文件夹。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="457" />
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="459" />
        <source>Paused at {amount}.</source>
        <translation>已暂停，已下载 {amount}。</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="461" />
        <source>Checking the file…</source>
        <translation>正在校验文件…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="463" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="466" />
        <source>{speed}/s</source>
        <translation>{speed}/秒</translation>
    </message>
    <message>
        <location filename="../discover_downloads.py" line="469" />
        <source>about {time} left</source>
        <translation>约剩 {time}</translation>
    </message>
</context>
<context>
    <name>DocumentHandling</name>
    <message>
        <location filename="../window_documents.py" line="60" />
        <source>Documents updated: %1 changed</source>
        <translation>文档已更新：%1 个有变化</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="70" />
        <source>Documents (%1);;All files (*)</source>
        <translation>文档 (%1);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="71" />
        <source>Attach documents</source>
        <translation>附加文档</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="80" />
        <source>Documents are still being indexed; try again when that is done.</source>
        <translation>文档仍在建立索引，完成后再试。</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="98" />
        <source>Indexing documents…</source>
        <translation>正在为文档建立索引…</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="129" />
        <source>Finding what passages mean: %1</source>
        <translation>正在理解段落含义：%1</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="134" />
        <source>Indexing %1 of %2: %3</source>
        <translation>正在建立索引（%1/%2）：%3</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="142" />
        <source>Passages of %1 can now be found by meaning too.</source>
        <translation>现在也可以按语义查找“%1”中的段落了。</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="150" />
        <source>Documents attached: %1 · passages: %2</source>
        <translation>已附加文档：%1 · 段落：%2</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="154" />
        <source>could not be used: %1 (%2)</source>
        <translation>无法使用：%1（%2）</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="184" />
        <source>Nothing was sent.</source>
        <translation>没有发送任何内容。</translation>
    </message>
    <message>
        <location filename="../window_documents.py" line="186" />
        <source>Allow for this chat</source>
        <translation>允许本对话这样做</translation>
    </message>
</context>
<context>
    <name>DocumentsTab</name>
    <message>
        <location filename="../settings/documents_tab.py" line="37" />
        <source>Libraries of your own files that a chat can answer from. Everything stays on this computer: files are read here and only the passages that match a question go to the model.</source>
        <translation>由你自己的文件组成的文档库，对话可以根据它们回答。一切都留在这台电脑上：文件在本机读取，只有与问题相关的段落会交给模型。</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="47" />
        <source>Library or file</source>
        <translation>文档库或文件</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="47" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="47" />
        <source>Passages</source>
        <translation>段落</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="56" />
        <source>New library…</source>
        <translation>新建文档库…</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="57" />
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="58" />
        <source>Add a folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="59" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="60" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="61" />
        <source>Use in the chat shown</source>
        <translation>用于当前对话</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="75" />
        <source>Also find passages by meaning, with:</source>
        <translation>同时按语义查找段落，使用：</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="78" />
        <source>An embedding model turns passages into vectors, so a question finds passages that say the same thing in other words. Without one, passages are found by their words.</source>
        <translation>嵌入模型会把段落变成向量，这样问题也能找到用不同说法表达同一意思的段落。不使用时，只按字词查找段落。</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="83" />
        <source>Compute vectors</source>
        <translation>计算向量</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings/documents_tab.py" line="105" />
        <source>%n document(s)</source>
        <translation>
            <numerusform>%n 个文档</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="107" />
        <source>%1 failed</source>
        <translation>%1 个失败</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="112" />
        <source>indexed</source>
        <translation>已建立索引</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="114" />
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="142" />
        <source>Indexing %1 of %2: %3</source>
        <translation>正在建立索引（%1/%2）：%3</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="151" />
        <source>Off (by their words only)</source>
        <translation>关闭（只按字词）</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="175" />
        <source>New library</source>
        <translation>新建文档库</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="175" />
        <source>Name, e.g. My thesis:</source>
        <translation>名称，例如“我的论文”：</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="191" />
        <source>Add files to the library</source>
        <translation>向文档库添加文件</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="197" />
        <source>Add a folder to the library</source>
        <translation>向文档库添加文件夹</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="206" />
        <source>Indexing…</source>
        <translation>正在建立索引…</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="217" />
        <source>Checking %1…</source>
        <translation>正在检查 %1…</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="228" />
        <source>Up to date (%1 changed)</source>
        <translation>已是最新（%1 个有变化）</translation>
    </message>
    <message>
        <location filename="../settings/documents_tab.py" line="250" />
        <source>The chat shown now answers from %1.</source>
        <translation>当前对话现在会根据“%1”回答。</translation>
    </message>
</context>
<context>
    <name>FirstRunCard</name>
    <message>
        <location filename="../first_run.py" line="32" />
        <source>You are chatting with the starter model, a tiny demo: good for trying Bothy, not for real work. These suit this computer:</source>
        <translation>你正在使用入门模型，它只是一个很小的演示：适合试用 Bothy，不适合正式使用。下面这些模型适合这台电脑：</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="43" />
        <source>about %1 min at %2</source>
        <translation>按 %2 约需 %1 分钟</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="52" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="59" />
        <source>Not now</source>
        <translation>以后再说</translation>
    </message>
    <message>
        <location filename="../first_run.py" line="66" />
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
</context>
<context>
    <name>FitMessage</name>
    <message>
        <location filename="../fit_message.py" line="22" />
        <source>%1 needs %2 with %3 tokens of context (%4 for the weights, %5 for the context (%6 cache), %7 of working memory and %8 for the engine itself)</source>
        <translation>%1 在 %3 词元的上下文下需要 %2（权重 %4，上下文 %5（%6 缓存），工作内存 %7，引擎本身 %8）</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="28" />
        <source>%1 needs about %2 with %3 tokens of context (%4 for the weights, %5 for the context (%6 cache), %7 of working memory and %8 for the engine itself)</source>
        <translation>%1 在 %3 词元的上下文下约需 %2（权重 %4，上下文 %5（%6 缓存），工作内存 %7，引擎本身 %8）</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="46" />
        <source>, %1 of it on the GPU (%2 layers)</source>
        <translation>，其中 %1 在 GPU 上（%2 层）</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="51" />
        <source>. Bothy could not read how much memory this computer has, so it may or may not fit.</source>
        <translation>。Bothy 读不到这台电脑有多少内存，所以不确定是否放得下。</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="56" />
        <source>; this computer has %1 of memory free and %2 of GPU memory.</source>
        <translation>；这台电脑有 %1 空闲内存和 %2 GPU 显存。</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="62" />
        <source>; this computer has %1 of memory free.</source>
        <translation>；这台电脑有 %1 空闲内存。</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="67" />
        <source> It fits.</source>
        <translation>放得下。</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="70" />
        <source> It should just fit; close other programs first, or use a context of %1 tokens.</source>
        <translation>应该刚好放得下；请先关闭其他程序，或使用 %1 词元的上下文。</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="76" />
        <source> It should just fit; close other programs first.</source>
        <translation>应该刚好放得下；请先关闭其他程序。</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="79" />
        <source> It won't fit; it would with a context of %1 tokens.</source>
        <translation>放不下；使用 %1 词元的上下文就可以。</translation>
    </message>
    <message>
        <location filename="../fit_message.py" line="82" />
        <source> It won't fit: choose a smaller model or quantization.</source>
        <translation>放不下：请选择更小的模型或量化。</translation>
    </message>
</context>
<context>
    <name>GenerationTab</name>
    <message>
        <location filename="../settings/generation_tab.py" line="65" />
        <source>Default system prompt</source>
        <translation>默认系统提示词</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="67" />
        <source>Default system prompt:</source>
        <translation>默认系统提示词：</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="69" />
        <source>Used by new chats. Change one chat's prompt with Chat &gt; System prompt for this chat.</source>
        <translation>用于新对话。要修改某个对话的提示词，请使用“对话 &gt; 此对话的系统提示词”。</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="82" />
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="83" />
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="84" />
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="85" />
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="86" />
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="88" />
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="90" />
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="88" />
        <source>Maximum reply length</source>
        <translation>最长回复</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="88" />
        <source>Maximum reply length:</source>
        <translation>最长回复：</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="91" />
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="91" />
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="91" />
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="93" />
        <source>When a chat outgrows the context</source>
        <translation>对话超出上下文时</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="95" />
        <source>Summarize the oldest messages</source>
        <translation>总结最早的消息</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="96" />
        <source>Leave out the oldest messages</source>
        <translation>略去最早的消息</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="97" />
        <source>Stop and ask</source>
        <translation>停下来询问我</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="102" />
        <source>When a chat outgrows the context:</source>
        <translation>对话超出上下文时：</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="105" />
        <source>The messages always stay in the chat: this decides what the model sees of them. One chat can choose otherwise in Chat &gt; Memory…</source>
        <translation>消息始终保留在对话中：这里决定的是模型能看到哪些。单个对话可以在“对话 &gt; 记忆…”中另行选择。</translation>
    </message>
    <message>
        <location filename="../settings/generation_tab.py" line="114" />
        <source>Reset to defaults</source>
        <translation>恢复默认值</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../import_dialog.py" line="39" />
        <source>Import conversations</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="43" />
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="52" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="53" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="72" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="86" />
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="91" />
        <source>%1 of %2 conversations</source>
        <translation>%1 / %2 个对话</translation>
    </message>
    <message numerus="yes">
        <location filename="../import_dialog.py" line="100" />
        <source>Imported %n conversation(s)</source>
        <translation>
            <numerusform>已导入 %n 个对话</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../import_dialog.py" line="101" />
        <source> with %n message(s).</source>
        <translation>
            <numerusform>，共 %n 条消息。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../import_dialog.py" line="112" />
        <source>%n conversation(s)</source>
        <translation>
            <numerusform>%n 个对话</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../import_dialog.py" line="113" />
        <source>, %n message(s)</source>
        <translation>
            <numerusform>，%n 条消息</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="114" />
        <source> from %1</source>
        <translation>，来自 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../import_dialog.py" line="117" />
        <source>Already here, not imported again: %n</source>
        <translation>
            <numerusform>已经存在、没有重复导入：%n 个</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="119" />
        <source>Skipped “%1”: %2</source>
        <translation>已跳过“%1”：%2</translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="125" />
        <source>The import failed: nothing of the file being imported was kept.</source>
        <translation>导入失败：正在导入的文件没有留下任何内容。</translation>
    </message>
    <message>
        <location filename="../import_dialog.py" line="131" />
        <source>Import cancelled: nothing of the file being imported was kept.</source>
        <translation>导入已取消：正在导入的文件没有留下任何内容。</translation>
    </message>
</context>
<context>
    <name>ImportHandling</name>
    <message>
        <location filename="../window_imports.py" line="31" />
        <source>Import conversations</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <location filename="../window_imports.py" line="33" />
        <source>Chat exports (*.json *.zip);;All files (*)</source>
        <translation>对话导出文件 (*.json *.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../window_imports.py" line="41" />
        <source>Import a folder of conversations</source>
        <translation>导入对话文件夹</translation>
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
        <location filename="../main_window.py" line="164" />
        <source>Bothy</source>
        <translation>Bothy</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="223" />
        <source>%1 could not be loaded: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="226" />
        <source>Still using %1.</source>
        <translation>仍在使用 %1。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="240" />
        <source>Loading %1… you can write your message meanwhile.</source>
        <translation>正在加载 %1…你可以先写消息。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="245" />
        <source>No model is loaded, so Bothy cannot answer yet. Add a GGUF model file in Settings &gt; Models (or drop a .gguf file on this window), then choose Use this model.</source>
        <translation>尚未加载模型，Bothy 暂时无法回答。请在“设置 &gt; 模型”中添加 GGUF 模型文件（或把 .gguf 文件拖到此窗口），然后选择“保存并使用此模型”。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="310" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="316" />
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="316" />
        <source>How Bothy should behave in this chat:</source>
        <translation>Bothy 在此对话中应如何表现：</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="327" />
        <source>Export this chat</source>
        <translation>导出此对话</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="327" />
        <source>Markdown (*.md)</source>
        <translation>Markdown（*.md）</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="382" />
        <source>Your settings could not be saved: %1</source>
        <translation>无法保存设置：%1</translation>
    </message>
</context>
<context>
    <name>MarkerWidget</name>
    <message>
        <location filename="../context_marker.py" line="120" />
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="137" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="138" />
        <source>Correct the summary by hand</source>
        <translation>手动修改摘要</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="139" />
        <source>Write again</source>
        <translation>重新写</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="140" />
        <source>Ask the model for a new summary of these messages</source>
        <translation>让模型为这些消息重新写一份摘要</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="141" />
        <source>Summarize them</source>
        <translation>总结这些消息</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="142" />
        <source>Ask the model for a summary of these messages</source>
        <translation>让模型为这些消息写一份摘要</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="143" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="144" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message numerus="yes">
        <location filename="../context_marker.py" line="187" />
        <source>%n earlier message(s) summarized</source>
        <translation>
            <numerusform>%n 条较早的消息已总结为摘要</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="189" />
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="192" />
        <source>The model no longer sees the messages above: it reads this summary instead. They stay here, in search and in exports.</source>
        <translation>模型已看不到上面的消息，改为读取这份摘要。这些消息仍保留在这里，也能被搜索和导出。</translation>
    </message>
    <message numerus="yes">
        <location filename="../context_marker.py" line="197" />
        <source>%n earlier message(s) no longer fit and were left out</source>
        <translation>
            <numerusform>%n 条较早的消息已放不下，已被略去</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="200" />
        <source>The model no longer sees the messages above, and no summary stands for them. They stay here, in search and in exports.</source>
        <translation>模型已看不到上面的消息，也没有摘要代替它们。这些消息仍保留在这里，也能被搜索和导出。</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="218" />
        <source>Hide the details</source>
        <translation>隐藏详情</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="220" />
        <source>Show the summary the model reads</source>
        <translation>显示模型读到的摘要</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="220" />
        <source>Show why</source>
        <translation>显示原因</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="233" />
        <source>Writing a summary…</source>
        <translation>正在写摘要…</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="251" />
        <source>Summarizing was stopped.</source>
        <translation>总结已被停止。</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="252" />
        <source>Summarizing failed: the model wrote an empty summary.</source>
        <translation>总结失败：模型写出的摘要是空的。</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="254" />
        <source>Summarizing failed: the model wrote the summary in another language.</source>
        <translation>总结失败：模型用另一种语言写了摘要。</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="257" />
        <source>Summarizing failed: the model's summary was longer than the messages it summarized.</source>
        <translation>总结失败：模型写的摘要比原来的消息还长。</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="262" />
        <source>Summarizing failed: %1</source>
        <translation>总结失败：%1</translation>
    </message>
    <message>
        <location filename="../context_marker.py" line="280" />
        <source>Edit the summary</source>
        <translation>编辑摘要</translation>
    </message>
</context>
<context>
    <name>MemoryHandling</name>
    <message>
        <location filename="../window_memory.py" line="91" />
        <location filename="../window_memory.py" line="222" />
        <source>Load a model first: it writes the summary.</source>
        <translation>请先加载模型：摘要由模型来写。</translation>
    </message>
    <message>
        <location filename="../window_memory.py" line="105" />
        <source>The summary could not be written: %1</source>
        <translation>无法写出摘要：%1</translation>
    </message>
    <message>
        <location filename="../window_memory.py" line="135" />
        <source>Added to this chat's memory.</source>
        <translation>已加入此对话的记忆。</translation>
    </message>
    <message>
        <location filename="../window_memory.py" line="137" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../window_memory.py" line="225" />
        <source>Summarizing this chat for a new one… your message is sent there next.</source>
        <translation>正在为新对话总结此对话…随后会在新对话中发送你的消息。</translation>
    </message>
    <message>
        <location filename="../window_memory.py" line="233" />
        <source>The new chat could not be started: %1</source>
        <translation>无法开始新对话：%1</translation>
    </message>
</context>
<context>
    <name>MemoryPanel</name>
    <message>
        <location filename="../memory_panel.py" line="207" />
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="231" />
        <source>Bothy sends these notes to the model with every message, so it keeps them in mind however long a chat grows.</source>
        <translation>每发送一条消息，Bothy 都会把这些笔记一并发给模型，所以无论对话多长，模型都会记得它们。</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="239" />
        <source>For every chat</source>
        <translation>用于所有对话</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="243" />
        <source>For this chat</source>
        <translation>仅用于此对话</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="246" />
        <source>Once this chat has started, it can have notes of its own.</source>
        <translation>对话开始后，就可以为它添加专属的笔记。</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="254" />
        <source>When this chat outgrows the context:</source>
        <translation>此对话超出上下文时：</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="256" />
        <source>When this chat outgrows the context</source>
        <translation>此对话超出上下文时</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="259" />
        <source>Use the default (%1)</source>
        <translation>使用默认设置（%1）</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="270" />
        <source>Summarize the oldest messages</source>
        <translation>总结最早的消息</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="271" />
        <source>Leave out the oldest messages</source>
        <translation>略去最早的消息</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="272" />
        <source>Stop and ask</source>
        <translation>停下来询问我</translation>
    </message>
</context>
<context>
    <name>MessageMemoryButtons</name>
    <message>
        <location filename="../message_memory.py" line="88" />
        <source>Remember this</source>
        <translation>记住这条</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="89" />
        <source>Add this message to this chat's memory notes</source>
        <translation>把这条消息加入此对话的记忆笔记</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="67" />
        <location filename="../message_memory.py" line="68" />
        <source>Kept in memory</source>
        <translation>已保留在记忆中</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="52" />
        <source>Keep in memory, Remember this, Fork, Delete</source>
        <translation>保留在记忆中、记住这条、分叉、删除</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="70" />
        <source>Sent to the model on every turn, even after older messages are summarized. Click to unpin.</source>
        <translation>每一轮都会发给模型，即使较早的消息已总结为摘要。点击取消固定。</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="82" />
        <source>Keep in memory</source>
        <translation>保留在记忆中</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="85" />
        <source>Send this message to the model on every turn, even after older messages are summarized</source>
        <translation>每一轮都把这条消息发给模型，即使较早的消息已总结为摘要</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="91" />
        <source>Fork into a new chat</source>
        <translation>分叉为新对话</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="92" />
        <source>Start a new chat with this conversation up to here</source>
        <translation>用此对话到这里为止的内容开始一个新对话</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="94" />
        <source>Delete this branch</source>
        <translation>删除此分支</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="95" />
        <source>Delete this message and what follows it in this branch (you can undo)</source>
        <translation>删除这条消息及此分支中其后的内容（可以撤销）</translation>
    </message>
    <message>
        <location filename="../message_memory.py" line="51" />
        <source>More actions</source>
        <translation>更多操作</translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <location filename="../message_widget.py" line="85" />
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="85" />
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="100" />
        <source>Bothy</source>
        <translation>Bothy</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="116" />
        <location filename="../message_widget.py" line="238" />
        <location filename="../message_widget.py" line="247" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="117" />
        <source>Copy the whole message</source>
        <translation>复制整条消息</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="125" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="126" />
        <source>Edit this message and send it again</source>
        <translation>编辑此消息并重新发送</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="134" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="135" />
        <source>Write this reply again</source>
        <translation>重新写这条回复</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="227" />
        <source>Show all %1 characters</source>
        <translation>显示全部 %1 个字符</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="238" />
        <location filename="../message_widget.py" line="247" />
        <source>image</source>
        <translation>图片</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="256" />
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="258" />
        <source>Stopped before the end.</source>
        <translation>已在结束前停止。</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="260" />
        <source>Interrupted: Bothy closed before this reply was finished.</source>
        <translation>已中断：这条回复完成前 Bothy 被关闭了。</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="262" />
        <source>This reply failed.</source>
        <translation>这条回复失败了。</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="264" />
        <source>Reached the maximum reply length (see Settings &gt; Generation).</source>
        <translation>已达到最长回复长度（见“设置 &gt; 生成”）。</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="307" />
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="309" />
        <source>%1 s to first token</source>
        <translation>首个词元 %1 秒</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="310" />
        <source>%1 tokens</source>
        <translation>%1 个词元</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="319" />
        <source>Prompt: %1 tokens</source>
        <translation>提示：%1 个词元</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="370" />
        <source>Edit your message</source>
        <translation>编辑你的消息</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="376" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../message_widget.py" line="377" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
</context>
<context>
    <name>ModelsController</name>
    <message>
        <location filename="../models_controller.py" line="69" />
        <source>Stop the reply before switching models.</source>
        <translation>请先停止回复，再切换模型。</translation>
    </message>
    <message>
        <location filename="../models_controller.py" line="71" />
        <source>A model is still loading.</source>
        <translation>模型仍在加载中。</translation>
    </message>
</context>
<context>
    <name>ModelsTab</name>
    <message>
        <location filename="../settings/models_tab.py" line="51" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="53" />
        <source>Add model…</source>
        <translation>添加模型…</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="55" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="57" />
        <source>Open models folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="63" />
        <source>Drop .gguf files here to add them.</source>
        <translation>把 .gguf 文件拖到这里即可添加。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="76" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="77" />
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="78" />
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="79" />
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="80" />
        <source>Size on disk</source>
        <translation>磁盘占用</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="81" />
        <source>Trained context</source>
        <translation>训练上下文</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="82" />
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="83" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="84" />
        <source>On this computer</source>
        <translation>在这台电脑上</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="91" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="94" />
        <source>How it loads</source>
        <translation>加载方式</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="100" />
        <source>Automatic (trained, at most 8,192)</source>
        <translation>自动（训练值，最多 8,192）</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="101" />
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="102" />
        <source>Context length:</source>
        <translation>上下文长度：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="105" />
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="111" />
        <source>GPU layers:</source>
        <translation>GPU 层数：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="114" />
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="115" />
        <source>Threads</source>
        <translation>线程</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="116" />
        <source>Threads:</source>
        <translation>线程：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="117" />
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="121" />
        <source>KV-cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="122" />
        <source>KV-cache type:</source>
        <translation>KV 缓存类型：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="126" />
        <source>Backend:</source>
        <translation>后端：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="131" />
        <source>Set as default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="133" />
        <source>Save and use this model</source>
        <translation>保存并使用此模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="180" />
        <source>in use</source>
        <translation>使用中</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="182" />
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="184" />
        <source>starter</source>
        <translation>入门模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="239" />
        <source>embedded in the file</source>
        <translation>内嵌于文件</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="239" />
        <source>none: guessed when loaded</source>
        <translation>无：加载时推测</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="242" />
        <source>Ready</source>
        <translation>可用</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="244" />
        <source>The file is missing.</source>
        <translation>文件不存在。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="245" />
        <source>Cannot be used: %1</source>
        <translation>无法使用：%1</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="259" />
        <source>Known once a model is loaded.</source>
        <translation>加载模型后可知。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="263" />
        <source>GPU offload is possible.</source>
        <translation>可以使用 GPU 加速。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="265" />
        <source>This build of llama.cpp runs on the CPU only, so GPU layers have no effect.</source>
        <translation>此 llama.cpp 版本只能在 CPU 上运行，GPU 层数设置无效。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="294" />
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="344" />
        <source>Delete %1 from the models folder?</source>
        <translation>从模型文件夹中删除 %1？</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="346" />
        <source>Remove %1 from the list? The file stays where it is.</source>
        <translation>从列表中移除 %1？文件本身会保留。</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="348" />
        <location filename="../settings/models_tab.py" line="353" />
        <source>Remove model</source>
        <translation>移除模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="362" />
        <location filename="../settings/models_tab.py" line="370" />
        <location filename="../settings/models_tab.py" line="410" />
        <source>Add a model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="362" />
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型（*.gguf）</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="371" />
        <source>Add %1 to Bothy:</source>
        <translation>将 %1 添加到 Bothy：</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="372" />
        <source>Copy into the models folder</source>
        <translation>复制到模型文件夹</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="373" />
        <source>Use it where it is</source>
        <translation>在原位置使用</translation>
    </message>
    <message>
        <location filename="../settings/models_tab.py" line="381" />
        <source>Adding %1…</source>
        <translation>正在添加 %1…</translation>
    </message>
</context>
<context>
    <name>NoteList</name>
    <message>
        <location filename="../memory_panel.py" line="136" />
        <source>No notes yet.</source>
        <translation>还没有笔记。</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="141" />
        <source>Add a note…</source>
        <translation>添加一条笔记…</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="143" />
        <source>New note for every chat</source>
        <translation>用于所有对话的新笔记</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="143" />
        <source>New note for this chat</source>
        <translation>此对话的新笔记</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="146" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
</context>
<context>
    <name>NoteRow</name>
    <message>
        <location filename="../memory_panel.py" line="66" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="67" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="74" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="75" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../memory_panel.py" line="100" />
        <source>Edit the note</source>
        <translation>编辑笔记</translation>
    </message>
</context>
<context>
    <name>PassageDialog</name>
    <message>
        <location filename="../message_sources.py" line="68" />
        <source>Source [%1]: %2</source>
        <translation>来源 [%1]：%2</translation>
    </message>
    <message>
        <location filename="../message_sources.py" line="71" />
        <source>%1, page %2</source>
        <translation>%1，第 %2 页</translation>
    </message>
    <message>
        <location filename="../message_sources.py" line="71" />
        <source>%1, line %2</source>
        <translation>%1，第 %2 行</translation>
    </message>
    <message>
        <location filename="../message_sources.py" line="82" />
        <source>Open the file</source>
        <translation>打开文件</translation>
    </message>
</context>
<context>
    <name>ServerModels</name>
    <message>
        <location filename="../settings/server_models.py" line="28" />
        <source>on %1</source>
        <translation>运行于 %1</translation>
    </message>
    <message>
        <location filename="../settings/server_models.py" line="30" />
        <source>in use</source>
        <translation>使用中</translation>
    </message>
    <message>
        <location filename="../settings/server_models.py" line="32" />
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../settings/server_models.py" line="43" />
        <source>Runs on the server “%1”: Bothy asks it when you use it.</source>
        <translation>运行在服务器“%1”上：使用时 Bothy 会向它请求。</translation>
    </message>
</context>
<context>
    <name>ServersTab</name>
    <message>
        <location filename="../settings/servers_tab.py" line="45" />
        <source>Chat with models that run on another computer or a server, through the OpenAI-compatible API (llama-server, Ollama, vLLM, LM Studio, Jan…). Bothy contacts only the servers you add here.</source>
        <translation>与运行在另一台电脑或服务器上的模型对话，通过 OpenAI 兼容的 API（llama-server、Ollama、vLLM、LM Studio、Jan…）。Bothy 只会连接你在这里添加的服务器。</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="54" />
        <source>Servers</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="66" />
        <location filename="../settings/servers_tab.py" line="151" />
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="70" />
        <source>as the server says (else 4,096)</source>
        <translation>以服务器所报为准（否则 4,096）</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="71" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="72" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="73" />
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="74" />
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="83" />
        <source>Wait for a connection</source>
        <translation>等待连接</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="84" />
        <source>Wait for the first word</source>
        <translation>等待第一个字</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="93" />
        <source>Save server</source>
        <translation>保存服务器</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="94" />
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="95" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="108" />
        <source>The server's models</source>
        <translation>服务器上的模型</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="112" />
        <source>Use this model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="113" />
        <source>Make default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="151" />
        <source>saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="174" />
        <source>Plain http:// to another computer: your conversation would travel unencrypted. Use https://.</source>
        <translation>用明文 http:// 连接另一台电脑：你的对话将以未加密的方式传输。请使用 https://。</translation>
    </message>
    <message>
        <location filename="../settings/servers_tab.py" line="212" />
        <source>Asking %1…</source>
        <translation>正在询问 %1…</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings/servers_tab.py" line="226" />
        <source>%1 answers: %2, serving %n model(s).</source>
        <translation>
            <numerusform>%1 已回应：%2，提供 %n 个模型。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings/dialog.py" line="24" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="34" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="38" />
        <source>Discover</source>
        <translation>发现</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="40" />
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="41" />
        <source>Servers</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="43" />
        <source>Local server</source>
        <translation>本地服务器</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="44" />
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="45" />
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../settings/dialog.py" line="46" />
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
    <name>SourceChips</name>
    <message>
        <location filename="../message_sources.py" line="34" />
        <source>Sources:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <location filename="../message_sources.py" line="57" />
        <source>%1, p. %2</source>
        <translation>%1，第 %2 页</translation>
    </message>
    <message>
        <location filename="../message_sources.py" line="58" />
        <source>%1, l. %2</source>
        <translation>%1，第 %2 行</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../status_bar.py" line="70" />
        <source>Context used</source>
        <translation>已用上下文</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="71" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="72" />
        <source>Stop summarizing</source>
        <translation>停止总结</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="73" />
        <source>Stop writing the summary: the earlier messages are then left out instead</source>
        <translation>停止写摘要：较早的消息将改为直接略去</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="75" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="92" />
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="96" />
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="103" />
        <source>on %1</source>
        <translation>运行于 %1</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="104" />
        <source>the server answered in %1 ms</source>
        <translation>服务器在 %1 毫秒内回应</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="110" />
        <source>%1/%2 layers on GPU</source>
        <translation>%1/%2 层在 GPU 上</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="114" />
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="126" />
        <source>Local server on · %n answered</source>
        <translation>
            <numerusform>本地服务器已打开 · 已回应 %n 次</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="127" />
        <source>Other apps can use the model at http://127.0.0.1:%1/v1</source>
        <translation>其他应用可以在 http://127.0.0.1:%1/v1 使用此模型</translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="147" />
        <source>Summarizing %n earlier message(s)…</source>
        <translation>
            <numerusform>正在总结 %n 条较早的消息…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="165" />
        <source>%n earlier message(s) left out</source>
        <translation>
            <numerusform>%n 条较早的消息已被略去</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="168" />
        <source>The model no longer sees these messages, and no summary stands for them. Summarize them from their marker in the chat, or raise the context length in Settings &gt; Models.</source>
        <translation>模型已看不到这些消息，也没有摘要代替它们。可以在对话中它们的标记处进行总结，或在“设置 &gt; 模型”中增大上下文长度。</translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="174" />
        <source>%n earlier message(s) summarized</source>
        <translation>
            <numerusform>%n 条较早的消息已总结为摘要</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="176" />
        <source>The model reads a summary of these messages instead; open it from its marker in the chat.</source>
        <translation>模型改为读取这些消息的摘要；可在对话中它们的标记处打开查看。</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="112" />
        <source>no layers on GPU</source>
        <translation>无层在 GPU 上</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="101" />
        <source>(base model)</source>
        <translation>（基础模型）</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="115" />
        <source>%1 context</source>
        <translation>%1 上下文</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="119" />
        <source>Template: %1 (%2)</source>
        <translation>模板：%1（%2）</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="141" />
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="161" />
        <source>Context %1%</source>
        <translation>上下文 %1%</translation>
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
    <name>WindowActions</name>
    <message>
        <location filename="../actions.py" line="80" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="81" />
        <source>&amp;Chat</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="82" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="83" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../actions.py" line="84" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../actions.py" line="85" />
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../actions.py" line="86" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../actions.py" line="87" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../actions.py" line="88" />
        <location filename="../actions.py" line="110" />
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="89" />
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="90" />
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="91" />
        <location filename="../actions.py" line="125" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../actions.py" line="92" />
        <location filename="../actions.py" line="115" />
        <source>Stop the reply</source>
        <translation>停止回复</translation>
    </message>
    <message>
        <location filename="../actions.py" line="93" />
        <source>Regenerate the last reply</source>
        <translation>重新生成最后一条回复</translation>
    </message>
    <message>
        <location filename="../actions.py" line="94" />
        <source>Rename chat</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="95" />
        <source>Delete chat</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="96" />
        <source>System prompt for this chat…</source>
        <translation>此对话的系统提示词…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="97" />
        <source>Memory…</source>
        <translation>记忆…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="98" />
        <source>Export this chat…</source>
        <translation>导出此对话…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="99" />
        <source>Import conversations…</source>
        <translation>导入对话…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="100" />
        <source>Import a folder of conversations (Jan)…</source>
        <translation>导入对话文件夹（Jan）…</translation>
    </message>
    <message>
        <location filename="../actions.py" line="101" />
        <location filename="../actions.py" line="131" />
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../actions.py" line="102" />
        <location filename="../actions.py" line="143" />
        <source>About Bothy</source>
        <translation>关于 Bothy</translation>
    </message>
    <message>
        <location filename="../actions.py" line="103" />
        <location filename="../actions.py" line="112" />
        <source>Write a message</source>
        <translation>撰写消息</translation>
    </message>
    <message>
        <location filename="../actions.py" line="104" />
        <source>Previous version of the last reply</source>
        <translation>最后回复的上一个版本</translation>
    </message>
    <message>
        <location filename="../actions.py" line="105" />
        <source>Next version of the last reply</source>
        <translation>最后回复的下一个版本</translation>
    </message>
    <message>
        <location filename="../actions.py" line="111" />
        <source>Search all chats</source>
        <translation>搜索全部对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="113" />
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location filename="../actions.py" line="113" />
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <location filename="../actions.py" line="114" />
        <source>Shift+Enter</source>
        <translation>Shift+Enter</translation>
    </message>
    <message>
        <location filename="../actions.py" line="114" />
        <source>New line in the message</source>
        <translation>在消息中换行</translation>
    </message>
    <message>
        <location filename="../actions.py" line="115" />
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <location filename="../actions.py" line="116" />
        <source>Regenerate the last reply (the old one is kept)</source>
        <translation>重新生成最后的回复（旧回复会保留）</translation>
    </message>
    <message>
        <location filename="../actions.py" line="117" />
        <source>Previous / next version of the last message that has several</source>
        <translation>有多个版本的最后一条消息：上一个 / 下一个版本</translation>
    </message>
    <message>
        <location filename="../actions.py" line="118" />
        <source>Rename the selected chat</source>
        <translation>重命名所选对话</translation>
    </message>
    <message>
        <location filename="../actions.py" line="119" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../actions.py" line="119" />
        <source>Delete the selected chat (with undo)</source>
        <translation>删除所选对话（可撤销）</translation>
    </message>
    <message>
        <location filename="../actions.py" line="122" />
        <source>Import conversations (ChatGPT, Open WebUI, Jan, LM Studio, Chatbox, Bothy)</source>
        <translation>导入对话（ChatGPT、Open WebUI、Jan、LM Studio、Chatbox、Bothy）</translation>
    </message>
    <message>
        <location filename="../actions.py" line="124" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../actions.py" line="144" />
        <source>Bothy %1: a private assistant that runs entirely on this computer.</source>
        <translation>Bothy %1：完全在这台电脑上运行的私人助手。</translation>
    </message>
</context>
</TS>