<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <context>
        <name>CancelDialog</name>
        <message>
            <source>Cancel %1 visit(s). Reason:</source>
            <translation>取消 %1 次走访，原因：</translation>
        </message>
        <message>
            <source>Cancel visits</source>
            <translation>取消走访</translation>
        </message>
        <message>
            <source>Client asked to postpone</source>
            <translation>客户要求改期</translation>
        </message>
        <message>
            <source>Client no longer needs a visit</source>
            <translation>客户暂无走访需要</translation>
        </message>
        <message>
            <source>Client unavailable</source>
            <translation>客户不在／无法接待</translation>
        </message>
        <message>
            <source>Contacted by phone instead</source>
            <translation>已改为电话联系</translation>
        </message>
        <message>
            <source>Say why (kept with the visit)</source>
            <translation>请说明原因（随走访记录保存）</translation>
        </message>
    </context>
    <context>
        <name>CompleteDialog</name>
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
            <translation>走访结果</translation>
        </message>
        <message>
            <source>Plan a follow-up visit on</source>
            <translation>安排跟进走访，日期</translation>
        </message>
        <message>
            <source>Record the visit to %1</source>
            <translation>登记走访：%1</translation>
        </message>
        <message>
            <source>Visited on</source>
            <translation>走访日期</translation>
        </message>
        <message>
            <source>What came of it, in a few words</source>
            <translation>简要说明走访结果</translation>
        </message>
    </context>
    <context>
        <name>MoveDialog</name>
        <message>
            <source>Move %1 visit(s) to:</source>
            <translation>将 %1 次走访改期至：</translation>
        </message>
        <message>
            <source>Move visits</source>
            <translation>走访改期</translation>
        </message>
        <message>
            <source>a weekend day worked in exchange for a holiday</source>
            <translation>调休上班日</translation>
        </message>
        <message>
            <source>not a working day (%1)</source>
            <translation>非工作日（%1）</translation>
        </message>
        <message>
            <source>weekend</source>
            <translation>周末</translation>
        </message>
    </context>
    <context>
        <name>PlannerActions</name>
        <message>
            <source>%1 is not a working day (%2). Move the visit(s) there anyway?</source>
            <translation>%1 是非工作日（%2）。仍要将走访改到这一天吗？</translation>
        </message>
        <message>
            <source>%1 of %2 visit(s) were not changed:</source>
            <translation>%2 次走访中有 %1 次未能修改：</translation>
        </message>
        <message>
            <source>%1 planned visits from %2 to %3 written to %4</source>
            <translation>已将 %2 至 %3 的 %1 次计划走访导出到 %4</translation>
        </message>
        <message>
            <source>%1 visit(s) accepted.</source>
            <translation>已接受 %1 次走访。</translation>
        </message>
        <message>
            <source>%1 visit(s) cancelled.</source>
            <translation>已取消 %1 次走访。</translation>
        </message>
        <message>
            <source>%1 visit(s) moved.</source>
            <translation>已改期 %1 次走访。</translation>
        </message>
        <message>
            <source>%1 visits proposed from %2 to %3; %4 clients due did not fit.</source>
            <translation>已生成 %2 至 %3 的建议走访 %1 次；另有 %4 位应联系客户未能排入。</translation>
        </message>
        <message>
            <source>Accepting visits</source>
            <translation>正在接受走访</translation>
        </message>
        <message>
            <source>Calendar (*.ics)</source>
            <translation>日历文件 (*.ics)</translation>
        </message>
        <message>
            <source>Cancelling visits</source>
            <translation>正在取消走访</translation>
        </message>
        <message>
            <source>Export the visit plan</source>
            <translation>导出走访计划</translation>
        </message>
        <message>
            <source>Exporting the visit plan</source>
            <translation>正在导出走访计划</translation>
        </message>
        <message>
            <source>Follow-up planned on %1.</source>
            <translation>已安排 %1 跟进走访。</translation>
        </message>
        <message>
            <source>Moving visits</source>
            <translation>正在改期走访</translation>
        </message>
        <message>
            <source>Not moved: %1 is not a working day.</source>
            <translation>未改期：%1 是非工作日。</translation>
        </message>
        <message>
            <source>Proposing a visit plan</source>
            <translation>正在生成走访计划</translation>
        </message>
        <message>
            <source>Recording the visit</source>
            <translation>正在登记走访</translation>
        </message>
        <message>
            <source>Visit plan</source>
            <translation>走访计划</translation>
        </message>
        <message>
            <source>Visit to %1 recorded as done.</source>
            <translation>已登记对%1的走访。</translation>
        </message>
        <message>
            <source>Select a %1 visit first.</source>
            <translation>请先选择一次%1的走访。</translation>
        </message>
        <message>
            <source>For a %1 visit</source>
            <translation>适用于%1的走访</translation>
        </message>
        <message>
            <source> or </source>
            <translation>或</translation>
        </message>
        <message>
            <source>, </source>
            <translation>、</translation>
        </message>
    </context>
    <context>
        <name>PlannerCalendar</name>
        <message>
            <source>+%1 more</source>
            <translation>另有 %1 次</translation>
        </message>
        <message>
            <source>Day off</source>
            <translation>休息日</translation>
        </message>
        <message>
            <source>Tier %1</source>
            <translation>%1 级客户</translation>
        </message>
        <message>
            <source>Working day</source>
            <translation>调休上班</translation>
        </message>
        <message>
            <source>ddd d MMM</source>
            <translation>M月d日 ddd</translation>
        </message>
    </context>
    <context>
        <name>PlannerView</name>
        <message>
            <source>%1 visits selected</source>
            <translation>已选择 %1 次走访</translation>
        </message>
        <message>
            <source>%1 – %2</source>
            <translation>%1 至 %2</translation>
        </message>
        <message>
            <source>%1, stop %2</source>
            <translation>%1，第 %2 站</translation>
        </message>
        <message>
            <source>Accept</source>
            <translation>接受</translation>
        </message>
        <message>
            <source>Accept all proposed</source>
            <translation>全部接受</translation>
        </message>
        <message>
            <source>Cancel visit…</source>
            <translation>取消走访…</translation>
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
            <source>Day</source>
            <translation>日期</translation>
        </message>
        <message>
            <source>Days overdue</source>
            <translation>逾期天数</translation>
        </message>
        <message>
            <source>District</source>
            <translation>区域</translation>
        </message>
        <message>
            <source>Due</source>
            <translation>应联系日期</translation>
        </message>
        <message>
            <source>Export to calendar (.ics)…</source>
            <translation>导出到日历 (.ics)…</translation>
        </message>
        <message>
            <source>Last contact</source>
            <translation>最近联系</translation>
        </message>
        <message>
            <source>Loading the visit plan</source>
            <translation>正在加载走访计划</translation>
        </message>
        <message>
            <source>MMMM yyyy</source>
            <translation>yyyy年M月</translation>
        </message>
        <message>
            <source>Month</source>
            <translation>月</translation>
        </message>
        <message>
            <source>Move…</source>
            <translation>改期…</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>下一页</translation>
        </message>
        <message>
            <source>Next visit</source>
            <translation>下次走访</translation>
        </message>
        <message>
            <source>Open client</source>
            <translation>打开客户</translation>
        </message>
        <message>
            <source>Overdue contacts</source>
            <translation>逾期未联系客户</translation>
        </message>
        <message>
            <source>Overdue contacts (%1)</source>
            <translation>逾期未联系客户（%1）</translation>
        </message>
        <message>
            <source>Previous</source>
            <translation>上一页</translation>
        </message>
        <message>
            <source>Propose plan…</source>
            <translation>生成走访计划…</translation>
        </message>
        <message>
            <source>Proposed plan</source>
            <translation>建议计划</translation>
        </message>
        <message>
            <source>Proposed plan (%1)</source>
            <translation>建议计划（%1）</translation>
        </message>
        <message>
            <source>Purpose</source>
            <translation>走访目的</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>理由</translation>
        </message>
        <message>
            <source>Record as done…</source>
            <translation>登记已走访…</translation>
        </message>
        <message>
            <source>Relationship manager</source>
            <translation>客户经理</translation>
        </message>
        <message>
            <source>Select a visit to see why it is planned.</source>
            <translation>选择一次走访，查看安排理由。</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>顺序</translation>
        </message>
        <message>
            <source>There is no relationship manager whose plan you can open.</source>
            <translation>没有可查看走访计划的客户经理。</translation>
        </message>
        <message>
            <source>Tier</source>
            <translation>客户等级</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>今天</translation>
        </message>
        <message>
            <source>Week</source>
            <translation>周</translation>
        </message>
        <message>
            <source>Print day pack…</source>
            <translation>打印当日拜访资料…</translation>
        </message>
        <message>
            <source>The visits of the selected day (or of the next working day): a cover in route order, then every client's brief</source>
            <translation>所选日期（未选则为下一个工作日）的拜访：按路线顺序的封面，及每位客户的拜访简报</translation>
        </message>
        <message>
            <source>1 visit selected</source>
            <translation>已选择 1 次走访</translation>
        </message>
    </context>
    <context>
        <name>ProposeDialog</name>
        <message>
            <source> weeks</source>
            <translation> 周</translation>
        </message>
        <message>
            <source>Clients due for contact fill the working days, most urgent first, grouped by district. The proposed visits from the first day on are replaced; planned, done and cancelled visits are kept.</source>
            <translation>应联系的客户按紧迫程度依次排入工作日，并按区域集中安排以减少路程。自首日起原有的建议走访将被替换；已计划、已完成和已取消的走访保持不变。</translation>
        </message>
        <message>
            <source>First day</source>
            <translation>首日</translation>
        </message>
        <message>
            <source>Length</source>
            <translation>期限</translation>
        </message>
        <message>
            <source>Propose a visit plan</source>
            <translation>生成走访计划</translation>
        </message>
    </context>
</TS>