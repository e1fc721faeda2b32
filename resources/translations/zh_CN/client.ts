<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ClientView</name>
        <message>
            <source>Account</source>
            <translation>账号</translation>
        </message>
        <message>
            <source>Balance (latest month)</source>
            <translation>余额（最近一月）</translation>
        </message>
        <message>
            <source>By</source>
            <translation>经办人</translation>
        </message>
        <message>
            <source>Card</source>
            <translation>银行卡</translation>
        </message>
        <message>
            <source>Channel</source>
            <translation>渠道</translation>
        </message>
        <message>
            <source>Choose a day after today to snooze the flag until.</source>
            <translation>请选择今天之后的日期作为暂缓截止日。</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>销户日期</translation>
        </message>
        <message>
            <source>Contribution</source>
            <translation>利润贡献</translation>
        </message>
        <message>
            <source>Cost to serve</source>
            <translation>服务成本</translation>
        </message>
        <message>
            <source>Currency</source>
            <translation>币种</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>日期</translation>
        </message>
        <message>
            <source>Deposit</source>
            <translation>存款</translation>
        </message>
        <message>
            <source>Deposit margin</source>
            <translation>存款利差</translation>
        </message>
        <message>
            <source>Deposits (average balance)</source>
            <translation>存款（日均余额）</translation>
        </message>
        <message>
            <source>Dismiss the flag</source>
            <translation>排除预警</translation>
        </message>
        <message>
            <source>Double-click a client in the book to open it.</source>
            <translation>在客户列表中双击客户即可打开客户视图。</translation>
        </message>
        <message>
            <source>Due</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>Evidence</source>
            <translation>预警依据</translation>
        </message>
        <message>
            <source>Expected loss</source>
            <translation>预期损失</translation>
        </message>
        <message>
            <source>Expected value</source>
            <translation>预期价值</translation>
        </message>
        <message>
            <source>Family</source>
            <translation>产品大类</translation>
        </message>
        <message>
            <source>Fees</source>
            <translation>手续费</translation>
        </message>
        <message>
            <source>Flag</source>
            <translation>预警</translation>
        </message>
        <message>
            <source>From</source>
            <translation>原状态</translation>
        </message>
        <message>
            <source>Handle by</source>
            <translation>处理期限</translation>
        </message>
        <message>
            <source>Insurance</source>
            <translation>保险</translation>
        </message>
        <message>
            <source>Investment</source>
            <translation>投资理财</translation>
        </message>
        <message>
            <source>Likelihood</source>
            <translation>可能性</translation>
        </message>
        <message>
            <source>Limit</source>
            <translation>额度</translation>
        </message>
        <message>
            <source>Loan</source>
            <translation>贷款</translation>
        </message>
        <message>
            <source>Loan margin</source>
            <translation>贷款利差</translation>
        </message>
        <message>
            <source>Loans (average balance)</source>
            <translation>贷款（日均余额）</translation>
        </message>
        <message>
            <source>Logging the contact</source>
            <translation>正在登记联系记录</translation>
        </message>
        <message>
            <source>Loyalty</source>
            <translation>忠诚度</translation>
        </message>
        <message>
            <source>Marketing</source>
            <translation>营销</translation>
        </message>
        <message>
            <source>Matures</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>Month</source>
            <translation>月份</translation>
        </message>
        <message>
            <source>Next step</source>
            <translation>下一步</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Opened</source>
            <translation>开户日期</translation>
        </message>
        <message>
            <source>Opening the client</source>
            <translation>正在打开客户</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>Performance</source>
            <translation>业绩</translation>
        </message>
        <message>
            <source>Potential</source>
            <translation>潜力</translation>
        </message>
        <message>
            <source>Pricing versions</source>
            <translation>定价版本</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>产品</translation>
        </message>
        <message>
            <source>Products</source>
            <translation>产品</translation>
        </message>
        <message>
            <source>Profile</source>
            <translation>概况</translation>
        </message>
        <message>
            <source>Purpose</source>
            <translation>目的</translation>
        </message>
        <message>
            <source>Quiet until</source>
            <translation>暂缓至</translation>
        </message>
        <message>
            <source>Raised</source>
            <translation>触发日期</translation>
        </message>
        <message>
            <source>Rank</source>
            <translation>排名</translation>
        </message>
        <message>
            <source>Reading the client</source>
            <translation>正在读取客户信息</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>理由</translation>
        </message>
        <message>
            <source>Recording the outcome</source>
            <translation>正在登记营销结果</translation>
        </message>
        <message>
            <source>Say why the flag is dismissed: a reason is required.</source>
            <translation>排除预警必须填写理由。</translation>
        </message>
        <message>
            <source>Select a flag first.</source>
            <translation>请先选择一条预警。</translation>
        </message>
        <message>
            <source>Select a suggestion first.</source>
            <translation>请先选择一条营销建议。</translation>
        </message>
        <message>
            <source>Service</source>
            <translation>服务</translation>
        </message>
        <message>
            <source>Severity</source>
            <translation>级别</translation>
        </message>
        <message>
            <source>Snooze the flag</source>
            <translation>暂缓预警</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>To</source>
            <translation>新状态</translation>
        </message>
        <message>
            <source>Updating the flag</source>
            <translation>正在更新预警</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>rmdesk</source>
            <translation>rmdesk</translation>
        </message>
        <message>
            <source>12-month contribution</source>
            <translation>近12个月贡献度</translation>
        </message>
        <message>
            <source>A PDF brief to take to the visit (Ctrl+P): preview, print or save</source>
            <translation>拜访简报 PDF（Ctrl+P）：预览、打印或保存</translation>
        </message>
        <message>
            <source>Print brief…</source>
            <translation>打印拜访简报…</translation>
        </message>
        <message>
            <source>For</source>
            <translation>负责人</translation>
        </message>
        <message>
            <source>Task</source>
            <translation>待办事项</translation>
        </message>
        <message>
            <source>Since</source>
            <translation>生效日期</translation>
        </message>
        <message>
            <source>Previous RM</source>
            <translation>原客户经理</translation>
        </message>
        <message>
            <source>New RM</source>
            <translation>新客户经理</translation>
        </message>
        <message>
            <source>Deposits and investments (average balance)</source>
            <translation>存款及理财（日均余额）</translation>
        </message>
    </context>
    <context>
        <name>ContactForm</name>
        <message>
            <source>Channel</source>
            <translation>联系渠道</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>请选择…</translation>
        </message>
        <message>
            <source>Date and time</source>
            <translation>联系时间</translation>
        </message>
        <message>
            <source>Due by</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>Log contact</source>
            <translation>登记联系</translation>
        </message>
        <message>
            <source>Next step</source>
            <translation>下一步</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>联系结果</translation>
        </message>
        <message>
            <source>Purpose</source>
            <translation>联系目的</translation>
        </message>
        <message>
            <source>e.g. maturity of the term deposit</source>
            <translation>例如：定期存款到期</translation>
        </message>
    </context>
    <context>
        <name>ContributionChart</name>
        <message>
            <source>Average balance (%1)</source>
            <translation>日均余额（%1）</translation>
        </message>
        <message>
            <source>Contribution</source>
            <translation>贡献度</translation>
        </message>
        <message>
            <source>Contribution per month (%1)</source>
            <translation>月贡献度（%1）</translation>
        </message>
        <message>
            <source>Deposits (average balance)</source>
            <translation>存款（日均余额）</translation>
        </message>
        <message>
            <source>Loans (average balance)</source>
            <translation>贷款（日均余额）</translation>
        </message>
        <message>
            <source>Deposits and investments (average balance)</source>
            <translation>存款及理财（日均余额）</translation>
        </message>
    </context>
    <context>
        <name>ContributionPanel</name>
        <message>
            <source>Contribution, 12 months</source>
            <translation>近12个月贡献度</translation>
        </message>
        <message>
            <source>Cost to serve</source>
            <translation>服务成本</translation>
        </message>
        <message>
            <source>Deposit margin</source>
            <translation>存款利差</translation>
        </message>
        <message>
            <source>Expected loss</source>
            <translation>预期损失</translation>
        </message>
        <message>
            <source>Fees and commissions</source>
            <translation>手续费及佣金</translation>
        </message>
        <message>
            <source>Growth</source>
            <translation>增长</translation>
        </message>
        <message>
            <source>Loan margin</source>
            <translation>贷款利差</translation>
        </message>
        <message>
            <source>The 12 months before</source>
            <translation>前12个月贡献度</translation>
        </message>
    </context>
    <context>
        <name>FlagActionDialog</name>
        <message>
            <source>Reason</source>
            <translation>理由</translation>
        </message>
        <message>
            <source>Reason (optional)</source>
            <translation>理由（选填）</translation>
        </message>
        <message>
            <source>Snooze until</source>
            <translation>暂缓至</translation>
        </message>
        <message>
            <source>Quiet until</source>
            <translation>静默至</translation>
        </message>
    </context>
    <context>
        <name>FlagsBox</name>
        <message>
            <source>Acknowledge</source>
            <translation>确认</translation>
        </message>
        <message>
            <source>Dismiss…</source>
            <translation>排除…</translation>
        </message>
        <message>
            <source>No risk flags for this client.</source>
            <translation>该客户没有风险预警。</translation>
        </message>
        <message>
            <source>Resolve</source>
            <translation>已处理</translation>
        </message>
        <message>
            <source>Risk flags</source>
            <translation>风险预警</translation>
        </message>
        <message>
            <source>Snooze…</source>
            <translation>暂缓…</translation>
        </message>
        <message>
            <source>System</source>
            <translation>系统</translation>
        </message>
    </context>
    <context>
        <name>Header</name>
        <message>
            <source>Contribution, 12 months</source>
            <translation>近12个月贡献度</translation>
        </message>
        <message>
            <source>Deposits</source>
            <translation>存款</translation>
        </message>
        <message>
            <source>Growth</source>
            <translation>增长</translation>
        </message>
        <message>
            <source>Loans</source>
            <translation>贷款</translation>
        </message>
        <message>
            <source>Not scored</source>
            <translation>未评分</translation>
        </message>
        <message>
            <source>Open flags</source>
            <translation>未结预警</translation>
        </message>
        <message>
            <source>RM %1</source>
            <translation>客户经理 %1</translation>
        </message>
        <message>
            <source>Rank in book</source>
            <translation>名下排名</translation>
        </message>
        <message>
            <source>Tier %1</source>
            <translation>%1 级客户</translation>
        </message>
        <message>
            <source>Deposits and investments (AUM)</source>
            <translation>存款及理财（AUM）</translation>
        </message>
    </context>
    <context>
        <name>LoyaltyPanel</name>
        <message>
            <source>%1 products in %2 families</source>
            <translation>%1 个产品，涵盖 %2 个大类</translation>
        </message>
        <message>
            <source>%1 years</source>
            <translation>%1 年</translation>
        </message>
        <message>
            <source>Contacts in the last 12 months</source>
            <translation>近12个月联系次数</translation>
        </message>
        <message>
            <source>Last contact</source>
            <translation>最近联系</translation>
        </message>
        <message>
            <source>Never contacted</source>
            <translation>从未联系</translation>
        </message>
        <message>
            <source>Products held</source>
            <translation>持有产品</translation>
        </message>
        <message>
            <source>Tenure</source>
            <translation>客户关系年限</translation>
        </message>
        <message>
            <source>Handover history</source>
            <translation>移交记录</translation>
        </message>
    </context>
    <context>
        <name>MarketingPanel</name>
        <message>
            <source>Contact history</source>
            <translation>联系记录</translation>
        </message>
        <message>
            <source>Log a contact</source>
            <translation>登记联系</translation>
        </message>
        <message>
            <source>Visits</source>
            <translation>走访</translation>
        </message>
        <message>
            <source>Cancel task…</source>
            <translation>取消待办…</translation>
        </message>
        <message>
            <source>Done…</source>
            <translation>完成…</translation>
        </message>
        <message>
            <source>Hand to…</source>
            <translation>转交…</translation>
        </message>
        <message>
            <source>Move…</source>
            <translation>改期…</translation>
        </message>
        <message>
            <source>New task…</source>
            <translation>新建待办…</translation>
        </message>
        <message>
            <source>Open tasks</source>
            <translation>未完成的待办</translation>
        </message>
        <message>
            <source>Snooze…</source>
            <translation>暂缓…</translation>
        </message>
    </context>
    <context>
        <name>PerformancePanel</name>
        <message>
            <source>12 months before</source>
            <translation>12个月前</translation>
        </message>
        <message>
            <source>12-month average</source>
            <translation>近12个月平均</translation>
        </message>
        <message>
            <source>3 months before</source>
            <translation>3个月前</translation>
        </message>
        <message>
            <source>Balance trend</source>
            <translation>余额走势</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>变动</translation>
        </message>
        <message>
            <source>Deposits</source>
            <translation>存款</translation>
        </message>
        <message>
            <source>Latest month</source>
            <translation>最近一月</translation>
        </message>
        <message>
            <source>Loans</source>
            <translation>贷款</translation>
        </message>
        <message>
            <source>Deposits and investments</source>
            <translation>存款及理财</translation>
        </message>
    </context>
    <context>
        <name>ProductsPanel</name>
        <message>
            <source>The client holds no products.</source>
            <translation>该客户未持有任何产品。</translation>
        </message>
    </context>
    <context>
        <name>ProfilePanel</name>
        <message>
            <source>%1 (overdue)</source>
            <translation>%1（已逾期）</translation>
        </message>
        <message>
            <source>%1 years</source>
            <translation>%1 岁</translation>
        </message>
        <message>
            <source>Age</source>
            <translation>年龄</translation>
        </message>
        <message>
            <source>Born / founded</source>
            <translation>出生/成立日期</translation>
        </message>
        <message>
            <source>Branch</source>
            <translation>支行</translation>
        </message>
        <message>
            <source>Client ID</source>
            <translation>客户号</translation>
        </message>
        <message>
            <source>Client since</source>
            <translation>建立关系日期</translation>
        </message>
        <message>
            <source>District</source>
            <translation>所在区域</translation>
        </message>
        <message>
            <source>Founded %1 years ago</source>
            <translation>成立 %1 年</translation>
        </message>
        <message>
            <source>ID number</source>
            <translation>证件号码</translation>
        </message>
        <message>
            <source>KYC review due</source>
            <translation>KYC复核到期日</translation>
        </message>
        <message>
            <source>Relationship manager</source>
            <translation>客户经理</translation>
        </message>
        <message>
            <source>Segment</source>
            <translation>客户分层</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>客户类型</translation>
        </message>
        <message>
            <source>7P summary</source>
            <translation>7P 概要</translation>
        </message>
        <message>
            <source>How to reach</source>
            <translation>联系方式</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>复制</translation>
        </message>
        <message>
            <source>Copy to the clipboard</source>
            <translation>复制到剪贴板</translation>
        </message>
        <message>
            <source>Contact persons</source>
            <translation>联系人</translation>
        </message>
        <message>
            <source>decides</source>
            <translation>决策人</translation>
        </message>
        <message>
            <source>1 year</source>
            <translation>1 岁</translation>
        </message>
        <message>
            <source>Founded 1 year ago</source>
            <translation>成立 1 年</translation>
        </message>
    </context>
    <context>
        <name>SuggestionsBox</name>
        <message>
            <source>Accepted</source>
            <translation>已接受</translation>
        </message>
        <message>
            <source>Declined</source>
            <translation>已拒绝</translation>
        </message>
        <message>
            <source>No suggestions for this client.</source>
            <translation>该客户暂无营销建议。</translation>
        </message>
        <message>
            <source>Not now</source>
            <translation>暂不需要</translation>
        </message>
        <message>
            <source>Pitched</source>
            <translation>已推介</translation>
        </message>
        <message>
            <source>Suggestions</source>
            <translation>营销建议</translation>
        </message>
        <message>
            <source>Declined…</source>
            <translation>拒绝…</translation>
        </message>
        <message>
            <source>Undo last outcome</source>
            <translation>撤销上次结果</translation>
        </message>
    </context>
    <context>
        <name>DeclineDialog</name>
        <message>
            <source>Why did the client decline?</source>
            <translation>客户为何拒绝？</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>理由</translation>
        </message>
        <message>
            <source>Note (optional)</source>
            <translation>备注（可选）</translation>
        </message>
    </context>
    <context>
        <name>Labels</name>
        <message>
            <source>raised by the rules</source>
            <translation>规则触发</translation>
        </message>
        <message>
            <source>condition cleared</source>
            <translation>条件已消除</translation>
        </message>
    </context>
    <context>
        <name>BookView</name>
        <message>
            <source>Loading… the first %1 shown</source>
            <translation>正在加载…已显示前 %1 位</translation>
        </message>
    </context>
</TS>