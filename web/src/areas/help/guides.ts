/**
 * The help pages (使用帮助), one per role, in plain words: what the role does here and, step by
 * step, how — each part with a picture of the page taken by the browser tests
 * (web/public/help/screens/<screen>.jpg, `npm run docs:screens`).
 */
import type { Language } from '../../app/i18n.ts';

export type GuideRole = 'issuer' | 'consumer' | 'coordinator' | 'enterprise';

export interface GuideSection {
  heading: string;
  steps: string[];
  /** The picture's name under web/public/help/screens/ (without .jpg). */
  screen?: string;
  /** Where the page is in the console, to open it from the guide. */
  link?: string;
}

export interface Guide {
  title: string;
  intro: string;
  sections: GuideSection[];
}

const zh: Record<GuideRole, Guide> = {
  issuer: {
    title: '签发部门使用帮助',
    intro: '签发部门负责发放电子证照、回答其他部门的共享申请和企业的数据异议，并关注本部门数据的质量。第一次使用时，建议点击下面的“开始引导”，在练习数据上跟着引导签发一张证照、审批一条申请；也可以打开页面右上角的练习模式自己练习，练习中的操作不会影响真实数据。',
    sections: [
      {
        heading: '查找证照',
        steps: ['打开左侧菜单“证照登记簿”。', '在搜索框中输入统一社会信用代码或企业名称的一部分，按回车。', '点击某一行查看证照详情：当前内容、历次变更和核验二维码。'],
        screen: 'issuer-registry',
        link: '/issuer',
      },
      {
        heading: '签发一张证照',
        steps: ['在“证照登记簿”中点击“签发证照”。', '选择证照类型，按表单逐项填写；登记机关和发照日期已按本部门和今天填好，可以修改。', '填写有误时，出错的栏目会标红并说明原因，改正后再提交。', '提交后证照立即生效，企业和有权使用的部门可以看到它。'],
        screen: 'issuer-issue-dialog',
        link: '/issuer',
      },
      {
        heading: '变更、暂停、吊销或注销证照',
        steps: ['在证照详情页的“办理”中选择“变更登记事项”“暂停”“吊销”或“注销”。', '填写原因。暂停可以恢复；吊销和注销后不能恢复。', '每一次操作都会记入审计日志，企业能看到变更记录。'],
        screen: 'issuer-license',
      },
      {
        heading: '批量导入',
        steps: ['打开“批量导入”，点击“下载 CSV 模板”，按模板填写后上传。', '页面上的进度条显示导入进度；完成后列出每一行的结果，有问题的行写明原因，可以改正后再导入这些行。'],
        screen: 'issuer-import-finished',
        link: '/issuer/import',
      },
      {
        heading: '回答共享申请',
        steps: ['菜单“共享申请”旁的数字是等待答复的申请数。', '打开一条申请，查看申请部门、用途、申请的字段和法律依据。', '选择“批准”或“驳回”并写明理由；超过期限未答复的申请会提交协调办公室。'],
        screen: 'issuer-request-drawer',
        link: '/issuer/requests',
      },
      {
        heading: '处理数据异议',
        steps: ['企业或使用部门认为证照内容有误时会提出异议，菜单“数据异议”旁的数字是等待答复的件数。', '核实后选择“采纳并更正证照”或“不予采纳”，并写明理由。', '请在期限内答复，逾期会自动提交协调办公室。'],
        screen: 'objections-issuer-drawer',
        link: '/issuer/objections',
      },
      {
        heading: '数据质量',
        steps: ['“数据质量”显示本部门证照的完整性、准确性和及时性得分。', '“质量问题”列出每一个问题；改正证照后问题会自动消失，确认无误的可以写明说明。'],
        screen: 'issuer-quality-findings',
        link: '/issuer/quality/findings',
      },
    ],
  },
  consumer: {
    title: '使用部门使用帮助',
    intro: '使用部门在办理业务时查询企业的电子证照，不再要求企业提交纸质复印件。查询前需要先申请共享，获得同意后才能查询申请的字段；每一次查询都会被记录，企业可以看到是谁、为什么用了它的数据。第一次使用时，可以点击下面的“开始引导”，在练习数据上跟着引导提交一条共享申请。',
    sections: [
      {
        heading: '查看资源目录',
        steps: ['打开“资源目录”，可以看到各签发部门提供的证照和字段。', '点击一项查看它的字段、共享条件和签发部门。'],
        screen: 'consumer-catalog',
        link: '/consumer',
      },
      {
        heading: '申请共享',
        steps: ['在目录中点击“申请使用”。', '只勾选办理业务确实需要的字段（最少够用），选择用途并填写法律依据。', '提交后在“我的共享协议”中查看进度；签发部门批准后协议生效。'],
        screen: 'consumer-request-fields',
        link: '/consumer',
      },
      {
        heading: '查询证照',
        steps: ['打开“证照查询”，输入统一社会信用代码并选择用途。', '校验位输错时会提示正确的校验位。', '结果只显示协议允许的字段；证照被中止时会有醒目的提示，请暂停办理。'],
        screen: 'consumer-lookup',
        link: '/consumer/lookup',
      },
      {
        heading: '用量和订阅',
        steps: ['“用量统计”显示本部门每天的查询量和费用。', '“订阅与推送”可以在企业证照变更时通知本部门的业务系统。'],
        screen: 'consumer-usage',
        link: '/consumer/usage',
      },
    ],
  },
  coordinator: {
    title: '协调办公室使用帮助',
    intro: '协调办公室管理平台：登记部门、授权签发机构、裁决有争议的共享申请和异议，并按月考核各部门。点击下面的“开始引导”，可以在练习数据上跟着引导裁决一条申诉。',
    sections: [
      {
        heading: '运行概览',
        steps: ['“运行概览”显示全省的证照数量、共享量和各部门的情况。'],
        screen: 'coordinator-dashboard',
        link: '/coordinator',
      },
      {
        heading: '裁决提交的事项',
        steps: ['菜单“升级与申诉”旁的数字是等待裁决的件数。', '打开一件，查看双方的理由后作出决定并写明理由。'],
        screen: 'coordinator-escalations',
        link: '/coordinator/escalations',
      },
      {
        heading: '部门和发证机关',
        steps: ['“部门名录”中登记新部门、为部门创建账号和系统接入凭据。', '“发证机关名录”中授权某部门签发某类证照，并写明法律依据。'],
        screen: 'coordinator-departments',
        link: '/coordinator/departments',
      },
      {
        heading: '审计日志',
        steps: ['“审计日志”可以按部门和日期查看每一次使用；日志由签名的树头证明没有被删改。'],
        screen: 'coordinator-audit',
        link: '/coordinator/audit',
      },
    ],
  },
  enterprise: {
    title: '企业使用帮助',
    intro: '在这里可以查看本企业的电子证照、出示给需要的人核验，并看到哪些部门在什么时候、为了什么使用了本企业的数据。发现证照信息有误可以提出异议：点击下面的“开始引导”，先在练习证照上跟着引导提交一次，练习中的异议不会发给发证部门。',
    sections: [
      {
        heading: '我的证照',
        steps: ['“我的证照”显示本企业的电子证照，样式和纸质证照相同。', '对方扫描二维码或在核验页面输入二维码下方的核验码，就能确认证照真实有效。'],
        screen: 'enterprise-licenses',
        link: '/enterprise',
      },
      {
        heading: '谁用了我的数据',
        steps: ['“数据使用记录”列出每一次使用：哪个部门、什么时间、什么用途、看了哪些内容。', '平台已证明这些记录没有被删除或改动；想自己核对的，可以展开查看证明。'],
        screen: 'enterprise-access-log',
        link: '/enterprise/access-log',
      },
      {
        heading: '授权和异议',
        steps: ['“授权管理”中可以撤回曾经给出的授权。', '发现证照内容有误时，在“我的数据异议”中提出异议，签发部门会在期限内答复。'],
        screen: 'enterprise-authorisations',
        link: '/enterprise/authorisations',
      },
    ],
  },
};

const en: Record<GuideRole, Guide> = {
  issuer: {
    title: 'Help for issuing departments',
    intro: 'An issuing department issues electronic licenses, answers other departments’ requests to share them and enterprises’ objections, and looks after the quality of its data. The first time, click “Start the tour” below and issue a license and approve a request on practice data with the tour; or switch on practice mode (top right) and practise on your own. Nothing you do in practice touches real data.',
    sections: [
      { heading: 'Find a license', steps: ['Open “License registry”.', 'Type a credit code or part of a name and press Enter.', 'Open a row to see the license: its content, its changes and its QR code.'], screen: 'issuer-registry', link: '/issuer' },
      { heading: 'Issue a license', steps: ['Click “Issue a license” in the registry.', 'Choose the type and fill in the form; the registration authority and the date of issue are filled in from your department and today.', 'A field with a mistake turns red and says why; correct it and submit.', 'The license is valid at once.'], screen: 'issuer-issue-dialog', link: '/issuer' },
      { heading: 'Amend, suspend or revoke', steps: ['On the license, click “Amend”, “Suspend” or “Revoke”.', 'Give the reason. A suspension can be lifted; a revocation cannot.', 'Every action is in the audit log, and the enterprise sees the changes.'], screen: 'issuer-license' },
      { heading: 'Import in bulk', steps: ['Open “Import”, download the template, fill it in and upload the CSV file.', 'A progress bar follows the import; at the end every row’s result is listed, with the reason for each row that was refused.'], screen: 'issuer-import-finished', link: '/issuer/import' },
      { heading: 'Answer sharing requests', steps: ['The number beside “Sharing requests” counts those waiting for your answer.', 'Open one: the requesting department, its purpose, the fields and the legal basis.', 'Approve or reject with a reason; a request left unanswered past its deadline goes to the coordination office.'], screen: 'issuer-request-drawer', link: '/issuer/requests' },
      { heading: 'Objections', steps: ['The number beside “Objections” counts those waiting for your answer.', 'Check, then accept (and amend the license) or reject, with a reason, before the deadline.'], screen: 'objections-issuer-drawer', link: '/issuer/objections' },
      { heading: 'Data quality', steps: ['“Data quality” scores your licenses’ completeness, accuracy and timeliness.', '“Quality findings” lists each problem; it goes away when the license is corrected.'], screen: 'issuer-quality-findings', link: '/issuer/quality/findings' },
    ],
  },
  consumer: {
    title: 'Help for consuming departments',
    intro: 'A consuming department looks licenses up instead of asking enterprises for paper copies. First request access; once approved, you see the fields you asked for. Every lookup is recorded and the enterprise sees who used its data and why. The first time, click “Start the tour” below and send a request on practice data with the tour.',
    sections: [
      { heading: 'The catalog', steps: ['Open “Catalog” to see what issuing departments share.', 'Open one to see its fields, its conditions and who issues it.'], screen: 'consumer-catalog', link: '/consumer' },
      { heading: 'Request access', steps: ['Click “Request access”.', 'Tick only the fields your work needs, choose the purpose and give the legal basis.', 'Follow it under “Agreements”; it takes effect when the issuer approves.'], screen: 'consumer-request-fields', link: '/consumer' },
      { heading: 'Look a license up', steps: ['Open “Lookup”, enter the credit code and choose the purpose.', 'A mistyped code is caught with the expected check character.', 'You see only the agreed fields; a suspended license is shown with a prominent warning.'], screen: 'consumer-lookup', link: '/consumer/lookup' },
      { heading: 'Usage and subscriptions', steps: ['“Usage” shows your lookups and their cost per day.', '“Subscriptions” notify your systems when a license changes.'], screen: 'consumer-usage', link: '/consumer/usage' },
    ],
  },
  coordinator: {
    title: 'Help for the coordination office',
    intro: 'The coordination office runs the platform: it registers departments, authorises issuers, decides disputed requests and objections, and evaluates departments every month. Click “Start the tour” below to decide an appeal on practice data with the tour.',
    sections: [
      { heading: 'Dashboard', steps: ['The dashboard shows the province’s licenses, sharing and each department.'], screen: 'coordinator-dashboard', link: '/coordinator' },
      { heading: 'Decide escalations', steps: ['The number beside “Escalations” counts those waiting.', 'Read both sides and decide, with a reason.'], screen: 'coordinator-escalations', link: '/coordinator/escalations' },
      { heading: 'Departments and issuers', steps: ['Register departments, their people and their systems’ credentials.', 'Authorise a department to issue a type, with the legal basis.'], screen: 'coordinator-departments', link: '/coordinator/departments' },
      { heading: 'Audit log', steps: ['See every use by department and day; signed tree heads prove nothing was removed.'], screen: 'coordinator-audit', link: '/coordinator/audit' },
    ],
  },
  enterprise: {
    title: 'Help for enterprises',
    intro: 'See your licenses, show them to whoever needs to check them, and see which departments used your data, when and why. When something on a license is wrong, object to it: click “Start the tour” below to try it first on a practice license; an objection made in practice reaches no issuer.',
    sections: [
      { heading: 'My licenses', steps: ['“My licenses” shows them as printed.', 'Anyone can check one by scanning its QR code or typing the verification code printed under it.'], screen: 'enterprise-licenses', link: '/enterprise' },
      { heading: 'Who used my data', steps: ['Each use: which department, when, why and what it saw.', 'The platform proves no record was removed or changed; open the proof to check it yourself.'], screen: 'enterprise-access-log', link: '/enterprise/access-log' },
      { heading: 'Authorisations and objections', steps: ['Withdraw an authorisation you gave under “Authorisations”.', 'If a license is wrong, object under “My objections”; the issuer answers before a deadline.'], screen: 'enterprise-authorisations', link: '/enterprise/authorisations' },
    ],
  },
};

export const guideOf = (role: GuideRole, language: Language): Guide => (language === 'en' ? en : zh)[role];

/** Every picture the guides show: the browser tests keep these up to date. */
export const GUIDE_SCREENS: readonly string[] = [...new Set(Object.values(zh).flatMap((g) => g.sections.flatMap((s) => (s.screen ? [s.screen] : []))))];
