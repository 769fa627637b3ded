/** The sheets of a scan's Excel report, in order, as an organizer finds them. */
export const SCAN_SHEETS = ['文档重复率', '相似文档对', '一稿多投嫌疑', '同一作品或主题', '公共文本', '无法读取的文件'];
