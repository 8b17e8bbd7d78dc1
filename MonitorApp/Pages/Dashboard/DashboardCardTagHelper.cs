using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace MonitorApp.Pages.Dashboard;

/// <summary>
/// <c>&lt;dashboard-card id title oob size&gt;</c>: a card's frame — a labelled section with its heading —
/// marked for an out-of-band swap when it is part of a refresh rather than the first render.
/// </summary>
[HtmlTargetElement("dashboard-card")]
public sealed class DashboardCardTagHelper : TagHelper
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public bool Oob { get; set; }
    /// <summary>Null for a one-column card, "wide" for one spanning the row.</summary>
    public string? Size { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = "section";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("id", Id);
        output.Attributes.SetAttribute("class", Size is null ? "card" : $"card card-{Size}");
        output.Attributes.SetAttribute("aria-labelledby", $"{Id}-title");
        if (Oob)
            output.Attributes.SetAttribute("hx-swap-oob", "true");
        var html = HtmlEncoder.Default;
        output.PreContent.SetHtmlContent($"<h2 id=\"{html.Encode(Id)}-title\">{html.Encode(Title)}</h2>");
    }
}
