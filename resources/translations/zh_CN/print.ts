<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>PdfPreview</name>
        <message>
            <source>Could not save %1: %2</source>
            <translation>无法保存 %1：%2</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF 文件 (*.pdf)</translation>
        </message>
        <message>
            <source>Pages: %1</source>
            <translation>共 %1 页</translation>
        </message>
        <message>
            <source>Print…</source>
            <translation>打印…</translation>
        </message>
        <message>
            <source>Save as PDF</source>
            <translation>另存为 PDF</translation>
        </message>
        <message>
            <source>Save as PDF…</source>
            <translation>另存为 PDF…</translation>
        </message>
        <message>
            <source>Saved to %1</source>
            <translation>已保存到 %1</translation>
        </message>
        <message>
            <source>The printer could not start.</source>
            <translation>打印机无法启动。</translation>
        </message>
        <message>
            <source>Writing to the audit log</source>
            <translation>正在写入审计日志</translation>
        </message>
    </context>
    <context>
        <name>Printouts</name>
        <message>
            <source>Client brief: %1</source>
            <translation>客户拜访简报：%1</translation>
        </message>
        <message>
            <source>Making the client brief</source>
            <translation>正在生成客户拜访简报</translation>
        </message>
        <message>
            <source>Making the scorecard report</source>
            <translation>正在生成考核报告</translation>
        </message>
        <message>
            <source>Making the visit-day pack</source>
            <translation>正在生成当日拜访资料</translation>
        </message>
        <message>
            <source>Nothing to print</source>
            <translation>没有可打印的内容</translation>
        </message>
        <message>
            <source>Scorecard report: %1</source>
            <translation>考核报告：%1</translation>
        </message>
        <message>
            <source>Visit-day pack: %1</source>
            <translation>当日拜访资料：%1</translation>
        </message>
    </context>
</TS>