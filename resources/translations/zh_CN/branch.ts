<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>BranchCharts</name>
        <message>
            <source>Branch average</source>
            <translation>支行平均</translation>
        </message>
        <message>
            <source>Contribution</source>
            <translation>贡献度</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>正在加载…</translation>
        </message>
        <message>
            <source>Pareto: %1 clients, 12 months to %2</source>
            <translation>帕累托曲线：%1 位客户，截至 %2 的近12个月</translation>
        </message>
        <message>
            <source>Score</source>
            <translation>得分</translation>
        </message>
        <message>
            <source>Score and rank in the branch: %1</source>
            <translation>得分及支行排名：%1</translation>
        </message>
        <message>
            <source>Share of clients</source>
            <translation>客户数占比</translation>
        </message>
        <message>
            <source>Share of contribution</source>
            <translation>贡献度累计占比</translation>
        </message>
        <message>
            <source>Top 20% of clients: %1 of contribution</source>
            <translation>前20%客户贡献 %1</translation>
        </message>
    </context>
    <context>
        <name>BranchView</name>
        <message>
            <source>Branch:</source>
            <translation>支行：</translation>
        </message>
        <message>
            <source>Branch: %1</source>
            <translation>支行：%1</translation>
        </message>
        <message>
            <source>Handover</source>
            <translation>客户移交</translation>
        </message>
        <message>
            <source>Loading branches</source>
            <translation>正在加载支行</translation>
        </message>
        <message>
            <source>No branch: your account is not assigned to one.</source>
            <translation>无支行：您的账户尚未分配支行。</translation>
        </message>
        <message>
            <source>Risk flags</source>
            <translation>风险预警</translation>
        </message>
        <message>
            <source>Risk flags (%1)</source>
            <translation>风险预警（%1）</translation>
        </message>
        <message>
            <source>Scorecards</source>
            <translation>考核</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
    </context>
    <context>
        <name>FlagsPanel</name>
        <message>
            <source>All relationship managers</source>
            <translation>全部客户经理</translation>
        </message>
        <message>
            <source>All severities</source>
            <translation>全部等级</translation>
        </message>
        <message>
            <source>Client</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>Client ID</source>
            <translation>客户号</translation>
        </message>
        <message>
            <source>Double-click a flag to open the client</source>
            <translation>双击预警打开客户</translation>
        </message>
        <message>
            <source>Due on</source>
            <translation>处理期限</translation>
        </message>
        <message>
            <source>Evidence</source>
            <translation>预警依据</translation>
        </message>
        <message>
            <source>Loading the branch's risk flags</source>
            <translation>正在加载支行风险预警</translation>
        </message>
        <message>
            <source>Raised on</source>
            <translation>触发日期</translation>
        </message>
        <message>
            <source>Relationship manager</source>
            <translation>客户经理</translation>
        </message>
        <message>
            <source>Relationship manager:</source>
            <translation>客户经理：</translation>
        </message>
        <message>
            <source>Rule</source>
            <translation>预警规则</translation>
        </message>
        <message>
            <source>Severity</source>
            <translation>等级</translation>
        </message>
        <message>
            <source>Severity:</source>
            <translation>等级：</translation>
        </message>
        <message>
            <source>Shown: %1 of %2 open flags</source>
            <translation>显示 %1 条，共 %2 条未处理预警</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>All rules</source>
            <translation>全部规则</translation>
        </message>
        <message>
            <source>Rule:</source>
            <translation>规则：</translation>
        </message>
    </context>
    <context>
        <name>HandoverPanel</name>
        <message>
            <source>%1 clients</source>
            <translation>%1 位客户</translation>
        </message>
        <message>
            <source>%1 clients handed over to %2; %3 visits moved with them.</source>
            <translation>已将 %1 位客户移交给%2，随同转移走访 %3 次。</translation>
        </message>
        <message>
            <source>%1 clients to %2: contribution %3 (12 months), %4 open flags, %5 visits will move.</source>
            <translation>%1 位客户移交给%2：近12个月贡献度 %3，未处理预警 %4 条，将转移走访 %5 次。</translation>
        </message>
        <message>
            <source>Choose the clients to hand over.</source>
            <translation>请选择要移交的客户。</translation>
        </message>
        <message>
            <source>Choose the receiving RM.</source>
            <translation>请选择接收的客户经理。</translation>
        </message>
        <message>
            <source>Choose the receiving RM…</source>
            <translation>选择接收的客户经理…</translation>
        </message>
        <message>
            <source>Client</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>Client ID</source>
            <translation>客户号</translation>
        </message>
        <message>
            <source>Confirm handover</source>
            <translation>确认移交</translation>
        </message>
        <message>
            <source>Contribution</source>
            <translation>贡献度</translation>
        </message>
        <message>
            <source>Every RM of the branch</source>
            <translation>本支行全部客户经理</translation>
        </message>
        <message>
            <source>From</source>
            <translation>原客户经理</translation>
        </message>
        <message>
            <source>From:</source>
            <translation>移出：</translation>
        </message>
        <message>
            <source>Give a reason to confirm the handover.</source>
            <translation>请填写移交原因后再确认。</translation>
        </message>
        <message>
            <source>Handing over clients</source>
            <translation>正在移交客户</translation>
        </message>
        <message>
            <source>Loading clients</source>
            <translation>正在加载客户</translation>
        </message>
        <message>
            <source>Loading the branch's relationship managers</source>
            <translation>正在加载支行客户经理</translation>
        </message>
        <message>
            <source>Next visit</source>
            <translation>下次走访</translation>
        </message>
        <message>
            <source>Open flags</source>
            <translation>未处理预警</translation>
        </message>
        <message>
            <source>Preparing the handover</source>
            <translation>正在准备移交</translation>
        </message>
        <message>
            <source>Preview</source>
            <translation>预览</translation>
        </message>
        <message>
            <source>Reason:</source>
            <translation>原因：</translation>
        </message>
        <message>
            <source>Relationship manager</source>
            <translation>客户经理</translation>
        </message>
        <message>
            <source>Search by name or client ID</source>
            <translation>按客户名称或客户号搜索</translation>
        </message>
        <message>
            <source>Segment</source>
            <translation>客群</translation>
        </message>
        <message>
            <source>Select all shown</source>
            <translation>全选当前列表</translation>
        </message>
        <message>
            <source>Selected:</source>
            <translation>已选：</translation>
        </message>
        <message>
            <source>Shown: %1</source>
            <translation>显示：%1</translation>
        </message>
        <message>
            <source>Tier</source>
            <translation>客户分层</translation>
        </message>
        <message>
            <source>To:</source>
            <translation>移交给：</translation>
        </message>
        <message>
            <source>Visits moving</source>
            <translation>转移走访</translation>
        </message>
        <message>
            <source>e.g. RM moved to another branch</source>
            <translation>例如：客户经理调往其他支行</translation>
        </message>
        <message>
            <source>no client chosen</source>
            <translation>尚未选择客户</translation>
        </message>
        <message>
            <source>1 client</source>
            <translation>1 位客户</translation>
        </message>
        <message>
            <source>Tasks moving</source>
            <translation>随同移交的待办</translation>
        </message>
        <message>
            <source>%1 clients to %2: contribution %3 (12 months), %4 open flags; %5 visits and %6 open tasks will move.</source>
            <translation>%1 位客户移交给%2：近12个月贡献度 %3，未处理预警 %4 条；将转移走访 %5 次、未完成的待办 %6 条。</translation>
        </message>
        <message>
            <source>Contribution, 12 months</source>
            <translation>近12个月贡献度</translation>
        </message>
        <message>
            <source>%1 handed over to %2; %3 visits moved with them.</source>
            <translation>已将%1移交给%2，随同转移走访 %3 次。</translation>
        </message>
        <message>
            <source>%1 to %2: contribution %3 (12 months), %4 open flags; %5 visits and %6 open tasks will move.</source>
            <translation>%1移交给%2：近12个月贡献度 %3，未处理预警 %4 条；将转移走访 %5 次、未完成的待办 %6 条。</translation>
        </message>
    </context>
    <context>
        <name>ScorecardPanel</name>
        <message>
            <source>%1 (%2), %3: score %4, rank %5 of %6</source>
            <translation>%1（%2），%3：得分 %4，排名 %5/%6</translation>
        </message>
        <message>
            <source>%1 (so far)</source>
            <translation>%1（进行中）</translation>
        </message>
        <message>
            <source>%1 of %2, %3: %4 rows</source>
            <translation>%2 的%1明细，%3：共 %4 行</translation>
        </message>
        <message>
            <source>%1 relationship managers, %2, ranked by weighted score</source>
            <translation>%1 位客户经理，%2，按加权得分排名</translation>
        </message>
        <message>
            <source>Accepted</source>
            <translation>已接受</translation>
        </message>
        <message>
            <source>Attainment</source>
            <translation>达成率</translation>
        </message>
        <message>
            <source>Balance</source>
            <translation>余额</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>变动</translation>
        </message>
        <message>
            <source>Charts</source>
            <translation>图表</translation>
        </message>
        <message>
            <source>Client</source>
            <translation>客户</translation>
        </message>
        <message>
            <source>Client ID</source>
            <translation>客户号</translation>
        </message>
        <message>
            <source>Clients behind the KPI</source>
            <translation>指标明细客户</translation>
        </message>
        <message>
            <source>Contribution</source>
            <translation>贡献度</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>计入</translation>
        </message>
        <message>
            <source>Course</source>
            <translation>课程</translation>
        </message>
        <message>
            <source>Days past due</source>
            <translation>逾期天数</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>已完成</translation>
        </message>
        <message>
            <source>Double-click a KPI to see the clients behind it</source>
            <translation>双击指标查看其明细客户</translation>
        </message>
        <message>
            <source>Due on</source>
            <translation>处理期限</translation>
        </message>
        <message>
            <source>Earned on</source>
            <translation>获得日期</translation>
        </message>
        <message>
            <source>First handled</source>
            <translation>首次处理日期</translation>
        </message>
        <message>
            <source>Holdings</source>
            <translation>持有产品数</translation>
        </message>
        <message>
            <source>KPI</source>
            <translation>考核指标</translation>
        </message>
        <message>
            <source>KYC in order</source>
            <translation>KYC合规</translation>
        </message>
        <message>
            <source>KYC review due</source>
            <translation>KYC复核到期日</translation>
        </message>
        <message>
            <source>Last closed</source>
            <translation>最后销户日期</translation>
        </message>
        <message>
            <source>Loading score trends</source>
            <translation>正在加载得分趋势</translation>
        </message>
        <message>
            <source>Loading scorecards</source>
            <translation>正在加载考核结果</translation>
        </message>
        <message>
            <source>Loading the branch's contribution</source>
            <translation>正在加载支行贡献度</translation>
        </message>
        <message>
            <source>Loading the clients behind the KPI</source>
            <translation>正在加载指标明细客户</translation>
        </message>
        <message>
            <source>Month</source>
            <translation>月度</translation>
        </message>
        <message>
            <source>No</source>
            <translation>否</translation>
        </message>
        <message>
            <source>Non-performing</source>
            <translation>不良</translation>
        </message>
        <message>
            <source>On time</source>
            <translation>按期</translation>
        </message>
        <message>
            <source>Onboarded</source>
            <translation>开户日期</translation>
        </message>
        <message>
            <source>Open holdings</source>
            <translation>在持产品数</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>营销结果</translation>
        </message>
        <message>
            <source>Period:</source>
            <translation>考核期：</translation>
        </message>
        <message>
            <source>Planned on</source>
            <translation>计划日期</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>分值</translation>
        </message>
        <message>
            <source>Previous balance</source>
            <translation>上期余额</translation>
        </message>
        <message>
            <source>Previous period</source>
            <translation>上期</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>产品</translation>
        </message>
        <message>
            <source>Quarter</source>
            <translation>季度</translation>
        </message>
        <message>
            <source>Raised on</source>
            <translation>触发日期</translation>
        </message>
        <message>
            <source>Rank</source>
            <translation>排名</translation>
        </message>
        <message>
            <source>Recorded by</source>
            <translation>记录人</translation>
        </message>
        <message>
            <source>Recorded on</source>
            <translation>记录日期</translation>
        </message>
        <message>
            <source>Relationship manager</source>
            <translation>客户经理</translation>
        </message>
        <message>
            <source>Rule</source>
            <translation>预警规则</translation>
        </message>
        <message>
            <source>Score</source>
            <translation>得分</translation>
        </message>
        <message>
            <source>Severity</source>
            <translation>等级</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Target</source>
            <translation>目标</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>实际值</translation>
        </message>
        <message>
            <source>Weight</source>
            <translation>权重</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>Points earned</source>
            <translation>获得积分</translation>
        </message>
        <message>
            <source>Print RM report…</source>
            <translation>打印客户经理报告…</translation>
        </message>
        <message>
            <source>Print branch report…</source>
            <translation>打印支行考核报告…</translation>
        </message>
        <message>
            <source>The period's ranking, KPIs and charts, then a page per RM (PDF)</source>
            <translation>本期排名、指标与图表，并附每位客户经理一页（PDF）</translation>
        </message>
        <message>
            <source>The selected RM's scorecard page (PDF)</source>
            <translation>所选客户经理的考核页（PDF）</translation>
        </message>
    </context>
</TS>