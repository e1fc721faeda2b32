<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>AdminCatalogue</name>
        <message>
            <source>Card</source>
            <translation>银行卡</translation>
        </message>
        <message>
            <source>Changed by</source>
            <translation>修改人</translation>
        </message>
        <message>
            <source>Client rate</source>
            <translation>客户利率</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>产品代码</translation>
        </message>
        <message>
            <source>Cost to serve a month</source>
            <translation>月服务成本</translation>
        </message>
        <message>
            <source>Deposit</source>
            <translation>存款</translation>
        </message>
        <message>
            <source>FTP rate</source>
            <translation>FTP价格</translation>
        </message>
        <message>
            <source>Family</source>
            <translation>产品类别</translation>
        </message>
        <message>
            <source>Fee rate on balance</source>
            <translation>按余额收费费率</translation>
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
            <source>LGD</source>
            <translation>违约损失率（LGD）</translation>
        </message>
        <message>
            <source>Loan</source>
            <translation>贷款</translation>
        </message>
        <message>
            <source>Monthly fee</source>
            <translation>月费</translation>
        </message>
        <message>
            <source>No</source>
            <translation>否</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>On sale</source>
            <translation>在售</translation>
        </message>
        <message>
            <source>PD (a year)</source>
            <translation>年违约概率（PD）</translation>
        </message>
        <message>
            <source>Pricing version</source>
            <translation>定价版本</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>产品</translation>
        </message>
        <message>
            <source>Service</source>
            <translation>服务</translation>
        </message>
        <message>
            <source>Term (months)</source>
            <translation>期限（月）</translation>
        </message>
        <message>
            <source>Valid from</source>
            <translation>生效日期</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>版本</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>For segments</source>
            <translation>适用客群</translation>
        </message>
        <message>
            <source>All</source>
            <translation>全部客群</translation>
        </message>
        <message>
            <source>Companies only</source>
            <translation>仅限公司客户</translation>
        </message>
        <message>
            <source>For</source>
            <translation>适用客户</translation>
        </message>
        <message>
            <source>Individuals and companies</source>
            <translation>个人和公司客户</translation>
        </message>
        <message>
            <source>Individuals only</source>
            <translation>仅限个人客户</translation>
        </message>
        <message>
            <source>Risk grade</source>
            <translation>风险等级</translation>
        </message>
    </context>
    <context>
        <name>AdminForms</name>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
    </context>
    <context>
        <name>AdminKpis</name>
        <message>
            <source>%1 a month</source>
            <translation>每月 %1</translation>
        </message>
        <message>
            <source>Bank-wide</source>
            <translation>全行</translation>
        </message>
        <message>
            <source>Default</source>
            <translation>默认</translation>
        </message>
        <message>
            <source>KPI</source>
            <translation>考核指标</translation>
        </message>
        <message>
            <source>Lower is better</source>
            <translation>越低越好</translation>
        </message>
        <message>
            <source>Penalty</source>
            <translation>扣分系数</translation>
        </message>
        <message>
            <source>Set by</source>
            <translation>设定层级</translation>
        </message>
        <message>
            <source>Since</source>
            <translation>生效日期</translation>
        </message>
        <message>
            <source>Target</source>
            <translation>目标值</translation>
        </message>
        <message>
            <source>This branch</source>
            <translation>本支行</translation>
        </message>
        <message>
            <source>Weight</source>
            <translation>权重</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>是</translation>
        </message>
    </context>
    <context>
        <name>AdminParameters</name>
        <message>
            <source>%1: "%2" is not a value of this kind; write it like %3</source>
            <translation>%1：“%2”不是有效的取值，请按此格式填写：%3</translation>
        </message>
        <message>
            <source>Card utilisation that raises a flag (0.80 = 80%)</source>
            <translation>信用卡额度使用率预警线（0.80 即 80%）</translation>
        </message>
        <message>
            <source>Clients a batch in the nightly scoring</source>
            <translation>夜间评分每批客户数</translation>
        </message>
        <message>
            <source>Contribution and tiers</source>
            <translation>贡献度与客户分层</translation>
        </message>
        <message>
            <source>Cross-sell</source>
            <translation>交叉销售</translation>
        </message>
        <message>
            <source>Days a closed account counts as a recent closure</source>
            <translation>销户后计为“近期销户”的天数</translation>
        </message>
        <message>
            <source>Days a declined product is not suggested again</source>
            <translation>客户拒绝后暂停推荐的天数</translation>
        </message>
        <message>
            <source>Days a dismissed flag stays quiet</source>
            <translation>忽略预警后的静默天数</translation>
        </message>
        <message>
            <source>Days a product answered "not now" waits</source>
            <translation>客户答复“暂不需要”后的等待天数</translation>
        </message>
        <message>
            <source>Days a strong suggestion pulls a visit earlier</source>
            <translation>高价值推荐使走访提前的天数</translation>
        </message>
        <message>
            <source>Days a visit may move earlier to join its district</source>
            <translation>为同区域合并走访可提前的天数</translation>
        </message>
        <message>
            <source>Days ahead a maturity is flagged</source>
            <translation>到期前预警天数</translation>
        </message>
        <message>
            <source>Days before a maturity to visit</source>
            <translation>到期前走访的提前天数</translation>
        </message>
        <message>
            <source>Days between contacts, by tier</source>
            <translation>各层级客户联系间隔（天）</translation>
        </message>
        <message>
            <source>Days past due for a low, medium and high flag</source>
            <translation>低、中、高级预警的逾期天数</translation>
        </message>
        <message>
            <source>Days to handle a flag, by severity</source>
            <translation>各严重程度预警的处理期限（天）</translation>
        </message>
        <message>
            <source>Default</source>
            <translation>默认值</translation>
        </message>
        <message>
            <source>Expected value a year that pulls a visit earlier (yuan)</source>
            <translation>使走访提前的推荐年预期价值（元）</translation>
        </message>
        <message>
            <source>Fall in balances against the prior 3 months (0.30 = 30%)</source>
            <translation>余额较前3个月下降比例（0.30 即 30%）</translation>
        </message>
        <message>
            <source>Group</source>
            <translation>类别</translation>
        </message>
        <message>
            <source>Loan in arrears: months past due of the last 3</source>
            <translation>贷款持续拖欠：近3个月中逾期的月数</translation>
        </message>
        <message>
            <source>Lowest likelihood worth suggesting</source>
            <translation>推荐的最低成交可能性</translation>
        </message>
        <message>
            <source>Months in a row before a salary counts as regular</source>
            <translation>连续代发月数达到即视为稳定代发</translation>
        </message>
        <message>
            <source>Months without it before a salary counts as stopped</source>
            <translation>代发中断月数达到即视为停发</translation>
        </message>
        <message>
            <source>Months without transactions before an account is dormant</source>
            <translation>无交易月数达到即视为休眠</translation>
        </message>
        <message>
            <source>Nightly scoring</source>
            <translation>夜间评分</translation>
        </message>
        <message>
            <source>Parameter</source>
            <translation>参数</translation>
        </message>
        <message>
            <source>Planned contact</source>
            <translation>计划联系</translation>
        </message>
        <message>
            <source>Product rules: lowest confidence</source>
            <translation>产品关联规则：最小置信度</translation>
        </message>
        <message>
            <source>Product rules: lowest lift</source>
            <translation>产品关联规则：最小提升度</translation>
        </message>
        <message>
            <source>Product rules: lowest support</source>
            <translation>产品关联规则：最小支持度</translation>
        </message>
        <message>
            <source>Product rules: most products held before</source>
            <translation>产品关联规则：前项最多产品数</translation>
        </message>
        <message>
            <source>Propensity: clients in the fitting sample</source>
            <translation>购买倾向模型：拟合样本客户数</translation>
        </message>
        <message>
            <source>Propensity: fewest holders of a product to fit it</source>
            <translation>购买倾向模型：建模所需最少持有客户数</translation>
        </message>
        <message>
            <source>Public holidays of (country code)</source>
            <translation>法定节假日所属国家（代码）</translation>
        </message>
        <message>
            <source>Recurring overdraft: months overdrawn of the last 6</source>
            <translation>反复透支：近6个月中透支的月数</translation>
        </message>
        <message>
            <source>Risk flags</source>
            <translation>风险预警</translation>
        </message>
        <message>
            <source>Smallest prior balance for a fall to count (yuan)</source>
            <translation>余额下降预警的最低前期余额（元）</translation>
        </message>
        <message>
            <source>Suggestions per client</source>
            <translation>每位客户的推荐数</translation>
        </message>
        <message>
            <source>Tier shares of contribution, best tier first</source>
            <translation>各层级贡献度占比（从高到低）</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>当前值</translation>
        </message>
        <message>
            <source>Visit planner</source>
            <translation>走访计划</translation>
        </message>
        <message>
            <source>Weeks a proposed plan covers</source>
            <translation>建议走访计划覆盖周数</translation>
        </message>
        <message>
            <source>Lowest lift over the product's take-up rate worth suggesting</source>
            <translation>值得推荐的最低提升度（相对产品办理率）</translation>
        </message>
        <message>
            <source>Lowest expected value a year, by tier (minor units)</source>
            <translation>各层级最低年预期价值（最小货币单位，如分）</translation>
        </message>
        <message>
            <source>Take-up models: months ahead a take-up is counted</source>
            <translation>办理模型：预测办理的月数</translation>
        </message>
        <message>
            <source>Take-up models: fewest take-ups in a window to fit a model</source>
            <translation>办理模型：建模所需的最少办理数（每个时段）</translation>
        </message>
        <message>
            <source>Days a declined product is not suggested again, by the reason given</source>
            <translation>按拒绝理由，被拒绝的产品不再推荐的天数</translation>
        </message>
        <message>
            <source>Days a product declined with no reason recorded is not suggested again</source>
            <translation>未记录拒绝理由时，被拒绝的产品不再推荐的天数</translation>
        </message>
        <message>
            <source>Response model: fewest accepted (and declined) offers to fit it</source>
            <translation>响应模型：建模所需的最少接受（及拒绝）推介次数</translation>
        </message>
        <message>
            <source>Printouts: phone numbers masked or whole (masked, whole)</source>
            <translation>打印件：电话号码部分隐藏或完整显示（masked 隐藏 / whole 完整）</translation>
        </message>
        <message>
            <source>Penalty interest flagged from this much in 3 months (yuan)</source>
            <translation>罚息预警：近3个月罚息达到此金额才预警（元）</translation>
        </message>
        <message>
            <source>No-contact flag: grace past the cadence, as a share of it</source>
            <translation>超期未联系预警：超过联系周期后的宽限（占周期的比例）</translation>
        </message>
        <message>
            <source>No-contact flag turns medium for (top, all)</source>
            <translation>超期未联系预警升为中级的客户（top：最高层级，all：全部）</translation>
        </message>
        <message>
            <source>Clients a part of the nightly run</source>
            <translation>夜间评分每一部分的客户数</translation>
        </message>
        <message>
            <source>Clients the models learn on</source>
            <translation>推荐模型学习所用的客户数</translation>
        </message>
        <message>
            <source>Days back a contact may be dated when it is logged</source>
            <translation>记录联系时最多可往前补记的天数</translation>
        </message>
    </context>
    <context>
        <name>AdminUsers</name>
        <message>
            <source>Active</source>
            <translation>启用</translation>
        </message>
        <message>
            <source>Active users</source>
            <translation>在岗用户数</translation>
        </message>
        <message>
            <source>Branch</source>
            <translation>支行</translation>
        </message>
        <message>
            <source>Clients</source>
            <translation>管户数</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>已停用</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>支行代码</translation>
        </message>
        <message>
            <source>District</source>
            <translation>区域</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Region</source>
            <translation>地区</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>Visits per day</source>
            <translation>每日走访数</translation>
        </message>
    </context>
    <context>
        <name>AdminView</name>
        <message>
            <source>Engine parameters</source>
            <translation>引擎参数</translation>
        </message>
        <message>
            <source>KPI weights and targets</source>
            <translation>考核权重与目标</translation>
        </message>
        <message>
            <source>Products and pricing</source>
            <translation>产品与定价</translation>
        </message>
        <message>
            <source>Users and branches</source>
            <translation>用户与支行</translation>
        </message>
        <message>
            <source>Audit trail</source>
            <translation>审计日志</translation>
        </message>
        <message>
            <source>Suggestion models</source>
            <translation>营销模型</translation>
        </message>
    </context>
    <context>
        <name>BranchDialog</name>
        <message>
            <source>Add a branch</source>
            <translation>新增支行</translation>
        </message>
        <message>
            <source>Branch code</source>
            <translation>支行代码</translation>
        </message>
        <message>
            <source>Branch name</source>
            <translation>支行名称</translation>
        </message>
        <message>
            <source>District</source>
            <translation>区域</translation>
        </message>
        <message>
            <source>Edit branch %1</source>
            <translation>修改支行 %1</translation>
        </message>
        <message>
            <source>Region</source>
            <translation>地区</translation>
        </message>
        <message>
            <source>The code is the key in the bank's extracts</source>
            <translation>支行代码是行内数据文件中的关联键，不能修改</translation>
        </message>
    </context>
    <context>
        <name>CatalogueTab</name>
        <message>
            <source>%1: pricing version %2 from %3</source>
            <translation>%1：第 %2 版定价，自 %3 起生效</translation>
        </message>
        <message>
            <source>Loading pricing versions</source>
            <translation>正在读取定价版本</translation>
        </message>
        <message>
            <source>Loading the product catalogue</source>
            <translation>正在读取产品目录</translation>
        </message>
        <message>
            <source>New pricing version…</source>
            <translation>新增定价版本…</translation>
        </message>
        <message>
            <source>Pricing versions</source>
            <translation>定价版本</translation>
        </message>
        <message>
            <source>Pricing versions of %1</source>
            <translation>%1 的定价版本</translation>
        </message>
        <message>
            <source>Products and current pricing</source>
            <translation>产品及现行定价</translation>
        </message>
        <message>
            <source>Saving the pricing</source>
            <translation>正在保存定价</translation>
        </message>
        <message>
            <source>%1: saved</source>
            <translation>%1：已保存</translation>
        </message>
        <message>
            <source>Saving the product</source>
            <translation>正在保存产品</translation>
        </message>
        <message>
            <source>Suitability and pitch…</source>
            <translation>适当性与推介话术…</translation>
        </message>
    </context>
    <context>
        <name>FormMessage</name>
        <message>
            <source>Not saved: %1</source>
            <translation>未保存：%1</translation>
        </message>
    </context>
    <context>
        <name>KpiTab</name>
        <message>
            <source> a month</source>
            <translation>/月</translation>
        </message>
        <message>
            <source>%1: saved from %2</source>
            <translation>%1：已保存，自 %2 起生效</translation>
        </message>
        <message>
            <source>Change the selected KPI</source>
            <translation>修改所选考核指标</translation>
        </message>
        <message>
            <source>For</source>
            <translation>适用范围</translation>
        </message>
        <message>
            <source>From</source>
            <translation>生效日期</translation>
        </message>
        <message>
            <source>In force on</source>
            <translation>生效于</translation>
        </message>
        <message>
            <source>KPI</source>
            <translation>考核指标</translation>
        </message>
        <message>
            <source>Loading the KPI weights</source>
            <translation>正在读取考核权重</translation>
        </message>
        <message>
            <source>Loading the branches</source>
            <translation>正在读取支行</translation>
        </message>
        <message>
            <source>Penalty</source>
            <translation>扣分系数</translation>
        </message>
        <message>
            <source>Points off for each point of attainment below target</source>
            <translation>未达目标时，按完成率差距扣分的系数</translation>
        </message>
        <message>
            <source>Relative weight; 0 leaves the KPI out of the score</source>
            <translation>相对权重；为 0 时该指标不计入得分</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>Saving the KPI weight</source>
            <translation>正在保存考核权重</translation>
        </message>
        <message>
            <source>Target</source>
            <translation>目标值</translation>
        </message>
        <message>
            <source>The default target</source>
            <translation>使用默认目标</translation>
        </message>
        <message>
            <source>The whole bank</source>
            <translation>全行</translation>
        </message>
        <message>
            <source>Total weight: %1</source>
            <translation>权重合计：%1</translation>
        </message>
        <message>
            <source>Weight</source>
            <translation>权重</translation>
        </message>
        <message>
            <source>Weights for</source>
            <translation>权重适用于</translation>
        </message>
        <message>
            <source>yuan</source>
            <translation>元</translation>
        </message>
    </context>
    <context>
        <name>ParametersTab</name>
        <message>
            <source>Discard changes</source>
            <translation>放弃修改</translation>
        </message>
        <message>
            <source>Double-click a value to change it. Changes apply from the next scoring run or visit plan; bold values differ from the default.</source>
            <translation>双击取值即可修改。修改自下一次评分或走访计划起生效；粗体表示与默认值不同。</translation>
        </message>
        <message>
            <source>Loading the parameters</source>
            <translation>正在读取参数</translation>
        </message>
        <message>
            <source>Save changes</source>
            <translation>保存修改</translation>
        </message>
        <message>
            <source>Saved: %1</source>
            <translation>已保存：%1</translation>
        </message>
        <message>
            <source>Saving the parameters</source>
            <translation>正在保存参数</translation>
        </message>
        <message>
            <source>Use the default</source>
            <translation>恢复默认值</translation>
        </message>
    </context>
    <context>
        <name>PasswordDialog</name>
        <message>
            <source>At least %1 characters</source>
            <translation>至少 %1 个字符</translation>
        </message>
        <message>
            <source>New password</source>
            <translation>新密码</translation>
        </message>
        <message>
            <source>New password for %1</source>
            <translation>为 %1 设置新密码</translation>
        </message>
        <message>
            <source>Repeat the password</source>
            <translation>再次输入密码</translation>
        </message>
        <message>
            <source>The two passwords differ</source>
            <translation>两次输入的密码不一致</translation>
        </message>
    </context>
    <context>
        <name>PricingDialog</name>
        <message>
            <source>Change at least one figure</source>
            <translation>请至少修改一项定价参数</translation>
        </message>
        <message>
            <source>New pricing for %1</source>
            <translation>%1 新定价</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Rates are annual. The version applies from the month of its date.</source>
            <translation>利率均为年化。新版本自生效日期所在月份起适用。</translation>
        </message>
        <message>
            <source>Valid from</source>
            <translation>生效日期</translation>
        </message>
        <message>
            <source>Why the pricing changes (kept with the version)</source>
            <translation>调价原因（随版本保存）</translation>
        </message>
        <message>
            <source>yuan</source>
            <translation>元</translation>
        </message>
    </context>
    <context>
        <name>UserDialog</name>
        <message>
            <source>(no branch)</source>
            <translation>（无所属支行）</translation>
        </message>
        <message>
            <source>Add a user</source>
            <translation>新增用户</translation>
        </message>
        <message>
            <source>At least %1 characters</source>
            <translation>至少 %1 个字符</translation>
        </message>
        <message>
            <source>Branch</source>
            <translation>所属支行</translation>
        </message>
        <message>
            <source>Edit user %1</source>
            <translation>修改用户 %1</translation>
        </message>
        <message>
            <source>How many visits the planner may put in one working day</source>
            <translation>走访计划每个工作日最多安排的走访次数</translation>
        </message>
        <message>
            <source>Letters and digits, e.g. rm31</source>
            <translation>字母和数字，例如 rm31</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>姓名</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Repeat the password</source>
            <translation>再次输入密码</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>The two passwords differ</source>
            <translation>两次输入的密码不一致</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>用户名</translation>
        </message>
        <message>
            <source>Visits per day</source>
            <translation>每日走访数</translation>
        </message>
    </context>
    <context>
        <name>UsersTab</name>
        <message>
            <source>%1 of %2 users</source>
            <translation>共 %2 个用户，显示 %1 个</translation>
        </message>
        <message>
            <source>Account %1 closed</source>
            <translation>已停用账户 %1</translation>
        </message>
        <message>
            <source>Account %1 reopened</source>
            <translation>已重新启用账户 %1</translation>
        </message>
        <message>
            <source>Add branch…</source>
            <translation>新增支行…</translation>
        </message>
        <message>
            <source>Add user…</source>
            <translation>新增用户…</translation>
        </message>
        <message>
            <source>Branch %1 saved</source>
            <translation>支行 %1 已保存</translation>
        </message>
        <message>
            <source>Branches</source>
            <translation>支行</translation>
        </message>
        <message>
            <source>Close account</source>
            <translation>停用账户</translation>
        </message>
        <message>
            <source>Close the account of %1? They will not be able to log in.</source>
            <translation>停用 %1 的账户？停用后将无法登录。</translation>
        </message>
        <message>
            <source>Edit…</source>
            <translation>修改…</translation>
        </message>
        <message>
            <source>Find a user by name, user name or branch</source>
            <translation>按姓名、用户名或支行查找用户</translation>
        </message>
        <message>
            <source>Loading users and branches</source>
            <translation>正在读取用户和支行</translation>
        </message>
        <message>
            <source>New password set for %1</source>
            <translation>已为 %1 设置新密码</translation>
        </message>
        <message>
            <source>Reopen account</source>
            <translation>重新启用账户</translation>
        </message>
        <message>
            <source>Reset password…</source>
            <translation>重置密码…</translation>
        </message>
        <message>
            <source>Saving the branch</source>
            <translation>正在保存支行</translation>
        </message>
        <message>
            <source>Saving the password</source>
            <translation>正在保存密码</translation>
        </message>
        <message>
            <source>Saving the user</source>
            <translation>正在保存用户</translation>
        </message>
        <message>
            <source>Their %1 clients stay with them until handed over.</source>
            <translation>其名下 %1 位客户在移交前仍归其管理。</translation>
        </message>
        <message>
            <source>User %1 added</source>
            <translation>已新增用户 %1</translation>
        </message>
        <message>
            <source>User %1 saved</source>
            <translation>用户 %1 已保存</translation>
        </message>
        <message>
            <source>Users</source>
            <translation>用户</translation>
        </message>
    </context>
    <context>
        <name>AdminAudit</name>
        <message>
            <source>Database login</source>
            <translation>数据库登录</translation>
        </message>
        <message>
            <source>About</source>
            <translation>对象</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>详情</translation>
        </message>
        <message>
            <source>Id</source>
            <translation>编号</translation>
        </message>
        <message>
            <source>User</source>
            <translation>用户</translation>
        </message>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>What happened</source>
            <translation>操作内容</translation>
        </message>
    </context>
    <context>
        <name>AuditTab</name>
        <message>
            <source>%1 entries</source>
            <translation>共 %1 条</translation>
        </message>
        <message>
            <source>About</source>
            <translation>对象</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Check that no entry was changed or deleted since it was written</source>
            <translation>检查是否有记录在写入后被修改或删除</translation>
        </message>
        <message>
            <source>Check the chain</source>
            <translation>校验日志链</translation>
        </message>
        <message>
            <source>Checking the audit trail</source>
            <translation>正在校验审计日志</translation>
        </message>
        <message>
            <source>From</source>
            <translation>从</translation>
        </message>
        <message>
            <source>Id</source>
            <translation>编号</translation>
        </message>
        <message>
            <source>Reading the audit trail</source>
            <translation>正在读取审计日志</translation>
        </message>
        <message>
            <source>Search</source>
            <translation>查询</translation>
        </message>
        <message>
            <source>Searching the audit trail</source>
            <translation>正在查询审计日志</translation>
        </message>
        <message>
            <source>The chain is broken at entry %1: it, or the one before it, was changed or deleted after it was written.</source>
            <translation>日志链在第 %1 条处断开：该条或其前一条在写入后被修改或删除。</translation>
        </message>
        <message>
            <source>The chain is whole: no entry was changed or deleted.</source>
            <translation>日志链完整：没有记录被修改或删除。</translation>
        </message>
        <message>
            <source>To</source>
            <translation>至</translation>
        </message>
        <message>
            <source>User</source>
            <translation>用户</translation>
        </message>
        <message>
            <source>any id</source>
            <translation>任意编号</translation>
        </message>
        <message>
            <source>any user</source>
            <translation>任意用户</translation>
        </message>
        <message>
            <source>the newest %1 of %2 entries</source>
            <translation>共 %2 条中最新的 %1 条</translation>
        </message>
        <message>
            <source>1 entry</source>
            <translation>共 1 条</translation>
        </message>
        <message>
            <source>Choose an entry to see it as stored</source>
            <translation>选择一条记录可查看其原始内容</translation>
        </message>
    </context>
    <context>
        <name>ProductDialog</name>
        <message>
            <source>A graded product is suggested to an individual only with a valid risk assessment of at least the same level (C3 for R3). Pitch: one sentence a line, at most %1 lines.</source>
            <translation>有风险等级的产品，只推荐给风险评估在有效期内且等级不低于产品等级的个人客户（R3 需 C3 及以上）。推介话术：每行一句，最多 %1 行。</translation>
        </message>
        <message>
            <source>Change at least one field</source>
            <translation>请至少修改一项</translation>
        </message>
        <message>
            <source>For</source>
            <translation>适用客户</translation>
        </message>
        <message>
            <source>No risk grade</source>
            <translation>无风险等级</translation>
        </message>
        <message>
            <source>Pitch (Chinese)</source>
            <translation>推介话术（中文）</translation>
        </message>
        <message>
            <source>Pitch (English)</source>
            <translation>推介话术（英文）</translation>
        </message>
        <message>
            <source>Risk grade</source>
            <translation>风险等级</translation>
        </message>
        <message>
            <source>Suitability and pitch of %1</source>
            <translation>%1 的适当性与推介话术</translation>
        </message>
    </context>
    <context>
        <name>AdminModels</name>
        <message>
            <source>AUC</source>
            <translation>AUC</translation>
        </message>
        <message>
            <source>Brier score</source>
            <translation>Brier 分数</translation>
        </message>
        <message>
            <source>Calibration error</source>
            <translation>校准误差</translation>
        </message>
        <message>
            <source>Fallback AUC</source>
            <translation>备选方法 AUC</translation>
        </message>
        <message>
            <source>Lift, top 10%</source>
            <translation>前10%提升度</translation>
        </message>
        <message>
            <source>Likelihood from</source>
            <translation>可能性来源</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>产品</translation>
        </message>
        <message>
            <source>Take-up rate</source>
            <translation>办理率</translation>
        </message>
        <message>
            <source>Take-ups</source>
            <translation>办理数</translation>
        </message>
        <message>
            <source>Why not a model</source>
            <translation>未用模型的原因</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>代码</translation>
        </message>
        <message>
            <source>Offers answered</source>
            <translation>有答复的推介</translation>
        </message>
        <message>
            <source>Acceptance rate</source>
            <translation>接受率</translation>
        </message>
        <message>
            <source>Response AUC</source>
            <translation>响应模型AUC</translation>
        </message>
        <message>
            <source>Response model</source>
            <translation>响应模型</translation>
        </message>
    </context>
    <context>
        <name>ModelsTab</name>
        <message>
            <source>No scoring run yet.</source>
            <translation>尚未运行评分。</translation>
        </message>
        <message>
            <source>Reading the suggestion models</source>
            <translation>正在读取营销模型</translation>
        </message>
        <message>
            <source>Scoring run #%1, data as of %2. Each product's model was trained on an earlier window and tested on the next one; it is used only where it beats its fallback. Where clients' answers to offers are known, a response model trained on the earlier offers and tested on the latest re-ranks the product if it beats the acceptance rate.</source>
            <translation>评分运行 #%1，数据截至 %2。每个产品的模型用较早时段的数据训练，在随后时段检验；只有胜过备选方法时才采用。已知客户对推介的答复时，响应模型用较早的推介训练、在最近的推介上检验，胜过平均接受率时用于调整该产品的排序。</translation>
        </message>
    </context>
</TS>